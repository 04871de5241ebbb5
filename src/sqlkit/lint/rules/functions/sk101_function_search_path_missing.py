"""
## What it does
Reports a function or procedure that has no `SET search_path` clause, unless a
later `ALTER FUNCTION ... SET search_path` fixes it. Functions in languages
that resolve no names (`c`, `internal`) are skipped, and so are SQL-standard
bodies (`BEGIN ATOMIC ... END`, `RETURN expr`): PostgreSQL binds their names
when the function is created, so the caller's path plays no part (splinter,
reading only the catalog's settings, reports them too).

Splinter counterpart: `0011_function_search_path_mutable`.

## Why is this bad?
Without a pinned `search_path` every unqualified name in the body is looked up
in the *caller's* path. A caller who can create objects in a schema earlier in
their path can shadow a table, function or operator the body uses — for a
`SECURITY DEFINER` function that is privilege escalation.

## Example
```sql
create function public.active_students() returns bigint
language sql stable as $$ select count(*) from public.students where is_active $$;
```

## Use instead
```sql
create function public.active_students() returns bigint
language sql stable set search_path = '' as $$
  select count(*) from public.students where is_active
$$;
```

## References
- [PostgreSQL: Writing SECURITY DEFINER Functions Safely](https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY)
- [Supabase database linter: function_search_path_mutable](https://supabase.com/docs/guides/database/database-linter?lint=0011_function_search_path_mutable)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.fixes import pin_search_path

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK101",
    "function-search-path-missing",
    "warning",
    summary="a function or procedure has no SET search_path",
    counterpart="0011_function_search_path_mutable",
    help="add SET search_path = '' and qualify every name in the body",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if function.definition.language in ("c", "internal") or function.definition.atomic:
            continue  # no names to resolve at run time (a BEGIN ATOMIC body's are bound already)
        if "search_path" not in function.config:
            risk = (
                "a caller who can create objects in a schema on its path can make them resolve "
                "to its own, run with the owner's rights"
                if function.security_definer
                else "they may resolve to other objects depending on who calls it"
            )
            yield ctx.finding(
                "SK101",
                function.origin,
                f"{function.display} has no SET search_path: unqualified names in its body "
                f"resolve through the caller's search_path; {risk}",
                help=f"ALTER {function.kind.upper()} {function.key} SET search_path = ''; "
                "-- then qualify every name in the body (public.t, auth.uid())",
                object=str(function.key),
                fix=pin_search_path(ctx, function, "SK101"),
            )
