"""
## What it does
Reports, once per (table, command, role), two or more permissive policies
that apply to the same role and command. `FOR ALL` counts for each command.
The roles are those that log in through the API: with `target = "supabase"`,
`anon` and `authenticated` (a policy `TO public` counts for both, and PUBLIC is
not reported on its own; `service_role` bypasses RLS); with `target = "postgres"`,
every role the policies name.

Splinter counterpart: `0006_multiple_permissive_policies`.

## Why is this bad?
Postgres evaluates every permissive policy for every row and ORs them: each
extra policy costs on every query, and the combined rule is harder to review.
One policy with the conditions joined by `or` is faster and clearer.

## Example
```sql
create policy read_own on public.notes for select to authenticated using ((select auth.uid()) = owner_id);
create policy read_staff on public.notes for select to authenticated using ((select auth.jwt() ->> 'user_role') = 'staff');
```

## Use instead
```sql
create policy notes_select on public.notes for select to authenticated using (
  (select auth.uid()) = owner_id or (select auth.jwt() ->> 'user_role') = 'staff'
);
```

## References
- [Supabase database linter: multiple_permissive_policies](https://supabase.com/docs/guides/database/database-linter?lint=0006_multiple_permissive_policies)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.policies.common import commands_of

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Policy


@rule(
    "SK206",
    "multiple-permissive-policies",
    "info",
    summary="two or more permissive policies for one table, command and API login role",
    counterpart="0006_multiple_permissive_policies",
    help="merge them into one policy whose condition joins theirs with OR",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    groups: dict[tuple[str, str, str], list[Policy]] = {}
    for policy in ctx.model.policies.values():
        if not policy.permissive:
            continue
        for role in login_roles(policy.roles, ctx.settings.target):
            for command in commands_of(policy.command):
                groups.setdefault((policy.qualified_table, command, role), []).append(policy)
    for (table, command, role), policies in sorted(groups.items()):
        if len(policies) > 1:
            ordered = sorted(policies, key=lambda p: (p.origin.path, p.origin.span))
            names = ", ".join(p.name for p in ordered)
            yield ctx.finding(
                "SK206",
                ordered[1].origin,
                f"{len(policies)} permissive {command.upper()} policies apply to {role} on "
                f"{table} ({names}): PostgreSQL evaluates each of them for every row it checks",
                help=f"CREATE POLICY {table.split('.')[-1]}_{command} ON {table} FOR "
                f"{command.upper()} TO {role} USING (({') OR ('.join(f'<condition of {p.name}>' for p in ordered)})); "
                + " ".join(f'DROP POLICY "{p.name}" ON {table};' for p in ordered),
                object=table,
            )


def login_roles(roles: list[str], target: str) -> set[str]:
    """The roles a policy applies to that log in through the API (see the rule's docs)."""
    if target != "supabase":
        return set(roles)
    out: set[str] = set()
    for role in roles:
        if role == "public":
            out |= {"anon", "authenticated"}
        elif role in ("anon", "authenticated"):
            out.add(role)
    return out
