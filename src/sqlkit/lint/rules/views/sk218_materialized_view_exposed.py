"""
## What it does
Reports a materialized view in an exposed schema (`exposed_schemas`, default `public`)
that `anon` or `authenticated` may select from: by Supabase's default privileges (which
apply to views and materialized views in `public` as to tables), by `GRANT`, or through
PUBLIC.

Splinter counterpart: `0016_materialized_view_in_api`. Same semantics; the exposed
schemas come from the configuration instead of PostgREST's `pgrst.db_schemas` setting.

## Why is this bad?
A materialized view has no row level security: whoever may select from it reads every
row it holds, whatever the policies of the tables it was computed from. In an exposed
schema that is everyone with the anon key (or every signed-in user).

## Example
```sql
create materialized view public.order_totals as
  select 1 as customer_id, 100 as total;
```

## Use instead
```sql
create schema private;
create materialized view private.order_totals as
  select 1 as customer_id, 100 as total;
```

## References
- [PostgreSQL: Materialized views](https://www.postgresql.org/docs/current/rules-materializedviews.html)
- [Supabase database linter: materialized_view_in_api](https://supabase.com/docs/guides/database/database-linter?lint=0016_materialized_view_in_api)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import qualified, readers

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK218",
    "materialized-view-exposed",
    "warning",
    summary="a materialized view in an exposed schema is readable by anon or authenticated",
    counterpart="0016_materialized_view_in_api",
    help="REVOKE SELECT ... FROM anon, authenticated, or create it in a schema the API does not expose",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for view in ctx.model.views.values():
        if not view.materialized or not ctx.is_exposed(view.schema):
            continue
        who = readers(ctx, view.privileges)
        if who:
            yield ctx.finding(
                "SK218",
                view.origin,
                f"materialized view {view.qualified_name} is readable by {' and '.join(who)} "
                "through the API: a materialized view has no row level security",
                help=f"REVOKE SELECT ON {qualified(view.schema, view.name)} from "
                f"{', '.join(who)}; (or move it to a schema that is not exposed)",
                object=view.qualified_name,
            )
