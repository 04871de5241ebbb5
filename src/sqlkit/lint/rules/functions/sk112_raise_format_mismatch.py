"""
## What it does
Reports, once per statement, a PL/pgSQL `RAISE` whose message uses
printf-style specifiers (`%s`, `%d`, `%.2f`) — in PL/pgSQL only a bare `%` is
a placeholder — or whose number of `%` placeholders differs from the number
of arguments (`%%` is a literal percent sign).

## Why is this bad?
`RAISE NOTICE 'user %s', v` is accepted and prints `user 42s`. A placeholder
count that does not match the arguments is a PL/pgSQL compile error: with
`check_function_bodies` on (the default), `CREATE FUNCTION` fails with `too
few parameters specified for RAISE` (or `too many`), so the migration stops
there; with it off (as in a `pg_dump` restore) the function is created and
every call fails with the same error.

## Example
```sql
create function public.require_student(p_student_id uuid, p_client_id uuid) returns void
language plpgsql stable set search_path = '' as $$
begin
  raise exception 'student %s not found in client %', p_student_id, p_client_id;
end $$;
```

## Use instead
```sql
create function public.require_student(p_student_id uuid, p_client_id uuid) returns void
language plpgsql stable set search_path = '' as $$
begin
  raise exception 'student % not found in client %', p_student_id, p_client_id;
end $$;
```

## References
- [PostgreSQL: Errors and Messages](https://www.postgresql.org/docs/current/plpgsql-errors-and-messages.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK112",
    "raise-format-mismatch",
    "warning",
    summary="RAISE with printf-style specifiers or mismatched placeholders",
    help="use a bare % per argument, and as many arguments as placeholders",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None:
            continue
        for span, message in body.raise_problems:
            yield ctx.finding(
                "SK112",
                (function.origin.path, span),
                f"{message} (in {function.display}): the message is not what it says, or the "
                "RAISE itself fails",
                help="RAISE EXCEPTION 'student % not found', p_student_id;  -- one bare % per "
                "argument",
                object=str(function.key),
            )
