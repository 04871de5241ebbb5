"""
## What it does
Reports `CREATE POLICY` without a `TO` clause (unless a later `ALTER POLICY ...
TO` names roles).

## Why is this bad?
Without `TO`, a policy applies to PUBLIC — `anon` included. A policy written
for signed-in users silently admits anonymous requests too, and every role
pays for its evaluation.

## Example
```sql
create policy notes_read on public.notes for select using (true);
```

## Use instead
```sql
create policy notes_read on public.notes for select to authenticated using (true);
```

## References
- [PostgreSQL: CREATE POLICY](https://www.postgresql.org/docs/current/sql-createpolicy.html)
- [Supabase: Specify roles in your policies](https://supabase.com/docs/guides/database/postgres/row-level-security#specify-roles-in-your-policies)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK207",
    "policy-missing-role",
    "info",
    summary="CREATE POLICY without TO applies to PUBLIC, anon included",
    help="name the roles: TO authenticated (or the roles that need it)",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        if not policy.explicit_roles:
            yield ctx.finding(
                "SK207",
                policy.origin,
                f"policy {policy.name} on {policy.qualified_table} has no TO clause: it applies "
                "to PUBLIC, anon included, and is evaluated for every caller",
                help=f'ALTER POLICY "{policy.name}" ON {policy.qualified_table} TO authenticated;',
                object=policy.qualified_name,
            )
