"""
## What it does
Reports a permissive policy for `anon`, `authenticated` or PUBLIC with
`USING (true)` on UPDATE, DELETE or ALL, or `WITH CHECK (true)` on INSERT,
UPDATE or ALL. `FOR SELECT ... USING (true)` is allowed (public read is a
legitimate choice), and so is `true` for other roles (e.g. `service_role`).

Splinter counterpart: `0024_rls_policy_always_true` (called `0024_permissive_rls_policy`
before splinter renamed it).

## Why is this bad?
It turns row level security off for writes: any signed-in user (or anyone,
for anon) can change or delete every row.

## Example
```sql
create policy notes_write on public.notes for update to authenticated
  using (true) with check (true);
```

## Use instead
```sql
create policy notes_write on public.notes for update to authenticated
  using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
```

## References
- [Supabase database linter: rls_policy_always_true](https://supabase.com/docs/guides/database/database-linter?lint=0024_rls_policy_always_true)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.policies.common import api_roles, is_true
from sqlkit.sql.tree import unpack

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK205",
    "policy-always-true",
    "warning",
    summary="a permissive policy for API roles allows every row on writes (USING/WITH CHECK true)",
    counterpart="0024_rls_policy_always_true",
    help="write the condition that rows must meet (e.g. ownership); keep `true` for SELECT only",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        if not policy.permissive:
            continue
        roles = api_roles(policy.roles, ctx.settings.target) & {"anon", "authenticated", "public"}
        if not roles:
            continue
        problems = []
        if policy.command in ("update", "delete", "all") and is_true(unpack(policy.using)):
            problems.append("USING (true)")
        if policy.command in ("insert", "update", "all") and is_true(unpack(policy.with_check)):
            problems.append("WITH CHECK (true)")
        if problems:
            yield ctx.finding(
                "SK205",
                policy.origin,
                f"policy {policy.name} on {policy.qualified_table} ({policy.command.upper()}, "
                f"{', '.join(sorted(roles))}) has {' and '.join(problems)}: every row is allowed, so "
                "any caller it applies to can change every row",
                help=f'ALTER POLICY "{policy.name}" ON {policy.qualified_table} '
                + (
                    "USING (<owner column> = (select auth.uid()))"
                    if "USING (true)" in problems
                    else ""
                )
                + (" " if len(problems) > 1 else "")
                + (
                    "WITH CHECK (<owner column> = (select auth.uid()))"
                    if "WITH CHECK (true)" in problems
                    else ""
                )
                + ";",
                object=policy.qualified_name,
            )
