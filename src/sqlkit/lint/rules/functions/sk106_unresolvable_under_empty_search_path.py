"""
## What it does
Reports, once per distinct name and function, a table, view, function, type
or operator that a function body names without a schema while the function
has `SET search_path = ''` (or only `pg_catalog`/`pg_temp`), when the name is
not a pg_catalog built-in. Names are read from `LANGUAGE sql` bodies and from
every PL/pgSQL statement and expression, declarations included.

`BEGIN ATOMIC` bodies are resolved when the function is created, with the
session's path, so they get SK107 instead.

## Why is this bad?
With an empty path only pg_catalog is searched, and the name is not found.
When that fails depends on where the name is. With `check_function_bodies` on
(the default), `CREATE FUNCTION` checks the body under the function's own
`SET` clauses: a `LANGUAGE sql` body, and the variable types in a PL/pgSQL
`DECLARE` section (`students%rowtype`, `students.id%type`, `students`), are
rejected there (`relation "students" does not exist`, `type "students" does
not exist`) and the migration stops. The statements of a PL/pgSQL body are
only parsed at creation: the function is created fine and fails at run time
with `relation "students" does not exist` — in production, on the first call
that reaches the statement. With `check_function_bodies = off` (as in a
`pg_dump` restore), every form fails only at run time.

## Example
```sql
create function public.student_count() returns bigint
language plpgsql stable set search_path = '' as $$
begin
  return (select count(*) from students);
end $$;
```

## Use instead
```sql
create function public.student_count() returns bigint
language plpgsql stable set search_path = '' as $$
begin
  return (select count(*) from public.students);
end $$;
```

## References
- [PostgreSQL: Schemas and the search path](https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH)
- [PostgreSQL: PL/pgSQL plan caching](https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import suggestion, unresolved_refs
from sqlkit.lint.rules.functions.fixes import qualify_name
from sqlkit.sql.values import display_search_path

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function


def applies(ctx: LintContext, function: Function) -> bool:
    """SK106 (not SK107) judges this function: empty path and a body resolved at run time."""
    empty = ctx.search_path_is_empty(function.config.get("search_path"))
    return empty and not function.definition.atomic


@rule(
    "SK106",
    "unresolvable-under-empty-search-path",
    "error",
    summary="an unqualified non-builtin name in a body with search_path = ''",
    help="qualify the name with its schema, e.g. public.students",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if not applies(ctx, function):
            continue
        when = "at creation" if function.definition.language == "sql" else "at run time"
        for ref in unresolved_refs(ctx, function):
            yield ctx.finding(
                "SK106",
                (function.origin.path, ref.span),
                f"{ref.kind} `{ref.name}` in {function.display} has no schema and search_path is "
                f"{display_search_path(function.config.get('search_path') or '')!r}: it cannot "
                f"be found ({when}), so every call fails",
                help=f"write {suggestion(ctx, ref)}",
                object=str(function.key),
                fix=qualify_name(ctx, function, ref, "SK106"),
            )
