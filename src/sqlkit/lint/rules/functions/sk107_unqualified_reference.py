"""
## What it does
Reports, once per distinct name and function, a table, view, function, type
or operator that a function body names without a schema, where SK106 does not
apply: the function has no `search_path`, a non-empty one, or a `BEGIN ATOMIC`
body (resolved at creation with the session's path). pg_catalog built-ins are
never reported.

## Why is this bad?
An unqualified name means whatever the path finds first at the time it is
resolved. Qualified names make the function mean one thing, whoever calls it
and whatever their path is — and make `SET search_path = ''` possible.

## Example
```sql
create function public.active_students() returns bigint
language sql stable set search_path = public as $$
  select count(*) from students where is_active
$$;
```

## Use instead
```sql
create function public.active_students() returns bigint
language sql stable set search_path = '' as $$
  select count(*) from public.students where is_active
$$;
```

## References
- [PostgreSQL: Schemas and the search path](https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import suggestion, unresolved_refs
from sqlkit.lint.rules.functions.fixes import qualify_name
from sqlkit.lint.rules.functions.sk106_unresolvable_under_empty_search_path import applies

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK107",
    "unqualified-reference",
    "warning",
    summary="a function body names a non-builtin object without a schema",
    help="qualify the name with its schema, e.g. public.students",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if applies(ctx, function):
            continue
        for ref in unresolved_refs(ctx, function):
            yield ctx.finding(
                "SK107",
                (function.origin.path, ref.span),
                f"{ref.kind} `{ref.name}` in {function.display} has no schema: it resolves "
                "through the search_path at run time, so an object of that name in another "
                "schema on the path can be used instead",
                help=f"write {suggestion(ctx, ref)}",
                object=str(function.key),
                fix=qualify_name(ctx, function, ref, "SK107"),
            )
