"""
## What it does
Reports a table in an exposed schema (`exposed_schemas`, default `public`) that
never gets `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` (or has it disabled
again by a later statement). Foreign tables cannot have RLS: SK219 reports those that
the API roles can read.

Splinter counterpart: `0013_rls_disabled_in_public`.

## Why is this bad?
On Supabase every table in an exposed schema is reachable through the API with
the public anon key, and Supabase's default privileges grant `anon` and
`authenticated` everything on it. Without RLS, anyone can read and write every
row.

## Example
```sql
create table public.notes (id bigint primary key, owner_id uuid, body text);
```

## Use instead
```sql
create table public.notes (id bigint primary key, owner_id uuid, body text);
alter table public.notes enable row level security;
create policy notes_owner on public.notes for select to authenticated
  using ((select auth.uid()) = owner_id);
```

## References
- [Supabase: Row Level Security](https://supabase.com/docs/guides/database/postgres/row-level-security)
- [Supabase database linter: rls_disabled_in_public](https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK201",
    "rls-disabled",
    "error",
    summary="a table in an exposed schema never gets ENABLE ROW LEVEL SECURITY",
    counterpart="0013_rls_disabled_in_public",
    help="ALTER TABLE ... ENABLE ROW LEVEL SECURITY, then add policies for the roles that need rows",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.kind == "foreign":
            continue  # RLS cannot be enabled on a foreign table: SK219 reports exposed ones
        if ctx.is_exposed(table.schema) and not table.rls_enabled:
            where = table.rls_origin if table.rls_origin is not None else table.origin
            how = (
                "RLS is disabled again" if table.rls_origin is not None else "RLS is never enabled"
            )
            yield ctx.finding(
                "SK201",
                where,
                f"table {table.qualified_name} is in exposed schema {table.schema} and {how}",
                object=table.qualified_name,
            )
