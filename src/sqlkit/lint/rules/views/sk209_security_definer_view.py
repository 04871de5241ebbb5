"""
## What it does
Reports a view in an exposed schema that lacks `WITH (security_invoker = true)`
(set at creation or by `ALTER VIEW ... SET (security_invoker = true)`).
Materialized views are not views in this sense and are not reported.

Splinter counterpart: `0010_security_definer_view`.

## Why is this bad?
A view runs with its owner's rights by default: RLS on the tables it reads is
checked against the owner (usually `postgres`, which bypasses it), not the
caller. Through the API, a view in `public` hands every row to whoever can
select from the view.

## Example
```sql
create view public.student_names as select s.id, s.full_name from public.students s;
```

## Use instead
```sql
create view public.student_names with (security_invoker = true) as
  select s.id, s.full_name from public.students s;
```

## References
- [PostgreSQL: CREATE VIEW, security_invoker](https://www.postgresql.org/docs/current/sql-createview.html)
- [Supabase database linter: security_definer_view](https://supabase.com/docs/guides/database/database-linter?lint=0010_security_definer_view)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.sql.values import parse_bool

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK209",
    "security-definer-view",
    "error",
    summary="a view in an exposed schema lacks security_invoker = true",
    counterpart="0010_security_definer_view",
    help="create it WITH (security_invoker = true) so RLS applies to the caller",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for view in ctx.model.views.values():
        if view.materialized or not ctx.is_exposed(view.schema):
            continue
        if not parse_bool(view.options.get("security_invoker", "false")):
            yield ctx.finding(
                "SK209",
                view.origin,
                f"view {view.qualified_name} runs with its owner's rights: RLS of the tables it "
                "reads is not applied to the caller, who sees every row through it",
                help=f"ALTER VIEW {view.qualified_name} SET (security_invoker = true);",
                object=view.qualified_name,
            )
