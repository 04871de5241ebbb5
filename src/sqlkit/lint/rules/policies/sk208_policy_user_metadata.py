"""
## What it does
Reports a policy that reads `user_metadata` (from the JWT) or
`raw_user_meta_data` (from `auth.users`).

Splinter counterpart: `0015_rls_references_user_metadata`.

## Why is this bad?
Users can edit their own user metadata (`supabase.auth.updateUser({ data })`).
A policy that trusts it — a role, a tenant id — lets any user grant themselves
access. Authorisation belongs in `app_metadata` or in claims set by an auth hook.

## Example
```sql
create policy staff_read on public.notes for select to authenticated
  using ((select auth.jwt() -> 'user_metadata' ->> 'role') = 'staff');
```

## Use instead
```sql
create policy staff_read on public.notes for select to authenticated
  using ((select auth.jwt() ->> 'user_role') = 'staff');  -- set by the access token hook
```

## References
- [Supabase database linter: rls_references_user_metadata](https://supabase.com/docs/guides/database/database-linter?lint=0015_rls_references_user_metadata)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK208",
    "policy-user-metadata",
    "error",
    summary="a policy reads user_metadata, which users can edit",
    counterpart="0015_rls_references_user_metadata",
    help="authorise from app_metadata or from claims set by an auth hook, never user_metadata",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        facts = policy.analysed()
        if any(expr and expr.user_metadata for expr in (facts.using, facts.with_check)):
            yield ctx.finding(
                "SK208",
                policy.origin,
                f"policy {policy.name} on {policy.qualified_table} trusts user metadata, "
                "which every user can edit: a user can give themselves what the policy checks",
                help="read the claim from app_metadata, which only the server sets: "
                "(select auth.jwt() -> 'app_metadata' ->> '<claim>')",
                object=policy.qualified_name,
            )
