"""
## What it does
Reports a table that has policies while its row level security is off.

Splinter counterpart: `0007_policy_exists_rls_disabled`.

## Why is this bad?
Policies do nothing until RLS is enabled: the table looks protected in review
while every role with table privileges reads and writes every row.

## Example
```sql
create table public.notes (id bigint primary key, owner_id uuid);
create policy notes_owner on public.notes for select to authenticated
  using ((select auth.uid()) = owner_id);
```

## Use instead
```sql
alter table public.notes enable row level security;
```

## References
- [Supabase database linter: policy_exists_rls_disabled](https://supabase.com/docs/guides/database/database-linter?lint=0007_policy_exists_rls_disabled)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK203",
    "policy-without-rls",
    "warning",
    summary="a policy exists on a table whose RLS is off",
    counterpart="0007_policy_exists_rls_disabled",
    help="ALTER TABLE ... ENABLE ROW LEVEL SECURITY: policies do nothing until it is on",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        policies = ctx.model.policies_on(table.schema, table.name)
        if policies and not table.rls_enabled:
            names = ", ".join(sorted(p.name for p in policies))
            yield ctx.finding(
                "SK203",
                policies[0].origin,
                f"table {table.qualified_name} has policies ({names}) but RLS is off, so they do "
                "nothing: every role with a privilege on it reads and writes every row",
                help=f"ALTER TABLE {table.qualified_name} ENABLE ROW LEVEL SECURITY;",
                object=table.qualified_name,
            )
