"""
## What it does
Finds the table's *owner columns*: columns of the table itself that one of its
policies compares with `auth.uid()` (directly, cast, or as `(select auth.uid())`).
Then reports, once per policy, a permissive write policy reachable by `anon`,
`authenticated` or PUBLIC that does not bind any owner column to the caller: an
INSERT policy's `WITH CHECK`, an UPDATE policy's `WITH CHECK` (its `USING` when it
has none), and both for `FOR ALL`. Binding means the condition holds only when the
column equals `auth.uid()` — directly, in every branch of an `OR`, in one part of an
`AND`, or through a project function given the column that reads the caller's identity.

Permissive policies combine with OR, so one policy that leaves the column free is
enough to write any owner; only permissive policies are judged, and a restrictive
policy for the command that binds the owner makes the table safe. The policies judged
are those of the final state, on tables in the exposed schemas and on
`storage.objects`.

## Why is this bad?
The table says rows belong to a user (its other policies filter by the owner column),
but this policy lets any signed-in user write a row owned by someone else: create
notes, likes or profiles in another user's name, or move a row to another owner. The
victim then "owns" content they never wrote.

## Example
```sql
create table public.notes (id bigint primary key, user_id uuid, body text);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated
  using ((select auth.uid()) = user_id);
create policy notes_insert on public.notes for insert to authenticated
  with check ((select auth.uid()) is not null);
```

## Use instead
```sql
create table public.notes (id bigint primary key, user_id uuid, body text);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated
  using ((select auth.uid()) = user_id);
create policy notes_insert on public.notes for insert to authenticated
  with check ((select auth.uid()) = user_id);
```

## References
- [PostgreSQL: CREATE POLICY (USING and WITH CHECK)](https://www.postgresql.org/docs/current/sql-createpolicy.html)
- [Supabase: Row Level Security, INSERT and UPDATE policies](https://supabase.com/docs/guides/database/postgres/row-level-security#policies)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.policies.caller import (
    API_ROLES,
    binds_owner,
    can_write,
    judged_table,
    owner_columns,
    reaches,
)

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Policy
    from sqlkit.sql.policy import ExprFacts


@rule(
    "SK211",
    "write-policy-owner-unbound",
    "error",
    summary="an INSERT/UPDATE policy does not bind the table's owner column to the caller",
    help="bind the owner column in the policy: WITH CHECK (user_id = (select auth.uid()))",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    tables = sorted({(p.schema, p.table) for p in ctx.model.policies.values()})
    for schema, table in tables:
        if not judged_table(ctx, schema, table):
            continue
        policies = ctx.model.policies_on(schema, table)
        owners = owner_columns(policies)
        if not owners:
            continue
        for policy in policies:
            if not policy.permissive or not reaches(policy, API_ROLES):
                continue
            writers = API_ROLES if "public" in policy.roles else set(policy.roles) & API_ROLES
            free = [
                command
                for command, expr in _write_checks(policy)
                if not (expr and binds_owner(ctx, expr.binding, owners))
                and not _restrictive_binds(ctx, policies, command, owners)
                and can_write(ctx, schema, table, writers, command.lower())
            ]
            if not free:
                continue
            shown = " or ".join(sorted(owners))
            owner = sorted(owners)[0]
            clause = "WITH CHECK" if policy.with_check is not None else "USING"
            yield ctx.finding(
                "SK211",
                policy.origin,
                f"{'/'.join(free)} policy {policy.name} on {policy.qualified_table} never binds "
                f"{shown} to the caller (other policies on the table compare it with "
                f"auth.uid()): a signed-in user can write rows owned by another user",
                help=f'ALTER POLICY "{policy.name}" ON {policy.qualified_table} {clause} '
                f"({owner} = (select auth.uid()) AND <its current condition>);",
                object=policy.qualified_name,
            )


def _write_checks(policy: Policy) -> list[tuple[str, ExprFacts | None]]:
    """(command, the expression new rows must meet) for the writes a policy allows."""
    facts = policy.analysed()
    new_rows = facts.with_check if facts.with_check is not None else facts.using
    if policy.command == "insert":
        return [("INSERT", facts.with_check)]
    if policy.command == "update":
        return [("UPDATE", new_rows)]
    if policy.command == "all":
        return [("INSERT", new_rows), ("UPDATE", new_rows)]
    return []


def _restrictive_binds(
    ctx: LintContext, policies: list[Policy], command: str, owners: set[str]
) -> bool:
    """A restrictive policy for the command that binds the owner holds for every write."""
    for other in policies:
        if other.permissive or other.command not in (command.lower(), "all"):
            continue
        for cmd, expr in _write_checks(other):
            if cmd == command and expr and binds_owner(ctx, expr.binding, owners):
                return True
    return False
