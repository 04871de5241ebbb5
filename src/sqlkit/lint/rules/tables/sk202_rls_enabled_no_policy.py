"""
## What it does
Reports a table in an exposed schema with row level security enabled and no
policy at all.

Splinter counterpart: `0008_rls_enabled_no_policy`. Unlike splinter, tables
outside the exposed schemas are not reported: RLS on with no policy is the
deliberate pattern for internal tables only functions may touch.

## Why is this bad?
With RLS on and no policy, API roles see no rows and cannot write any: the
table is unusable through the API. Usually a policy was forgotten (or lives in
a file that was not applied).

## Example
```sql
create table public.notes (id bigint primary key, owner_id uuid);
alter table public.notes enable row level security;
```

## Use instead
```sql
create policy notes_owner on public.notes for select to authenticated
  using ((select auth.uid()) = owner_id);
```

## References
- [Supabase database linter: rls_enabled_no_policy](https://supabase.com/docs/guides/database/database-linter?lint=0008_rls_enabled_no_policy)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK202",
    "rls-enabled-no-policy",
    "info",
    summary="RLS is on and no policy exists",
    counterpart="0008_rls_enabled_no_policy",
    help="add policies for the roles that should see rows, or move the table out of the exposed schemas",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if (
            table.rls_enabled
            and ctx.is_exposed(table.schema)
            and not ctx.model.policies_on(table.schema, table.name)
        ):
            yield ctx.finding(
                "SK202",
                table.rls_origin or table.origin,
                f"table {table.qualified_name} has RLS enabled and no policy: API roles see no rows",
                help=f"CREATE POLICY {table.name}_select ON {table.qualified_name} FOR SELECT TO "
                "authenticated USING (<owner column> = (select auth.uid())); -- if API roles "
                "should see rows",
                object=table.qualified_name,
            )
