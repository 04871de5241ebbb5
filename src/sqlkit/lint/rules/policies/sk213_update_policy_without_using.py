"""
## What it does
Reports, once per policy, a permissive `FOR UPDATE` (or `FOR ALL`) policy with a
`WITH CHECK` and no `USING`, unless another permissive UPDATE or ALL policy on the
same table, for a role it applies to, has a `USING`. Policies are judged in the
project's final state: a later `ALTER POLICY ... USING (...)` fixes it.

## Why is this bad?
An UPDATE finds the rows it may change through the `USING` of the permissive policies;
`WITH CHECK` only judges the new row. A policy without `USING` grants no existing row,
so the UPDATE it was written for matches nothing and changes 0 rows — silently, with
no error (an upsert's update branch too). The bug shows up as "saving does nothing".

## Example
```sql
create policy "Users can update their own files" on storage.objects
  for update to authenticated
  with check (bucket_id = 'files' and owner = (select auth.uid()));
```

## Use instead
```sql
create policy "Users can update their own files" on storage.objects
  for update to authenticated
  using (bucket_id = 'files' and owner = (select auth.uid()))
  with check (bucket_id = 'files' and owner = (select auth.uid()));
```

## References
- [PostgreSQL: CREATE POLICY, policies applied by command type](https://www.postgresql.org/docs/current/sql-createpolicy.html#SQL-CREATEPOLICY-SUMMARY)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Policy


@rule(
    "SK213",
    "update-policy-without-using",
    "warning",
    summary="a permissive UPDATE policy has WITH CHECK but no USING, so it lets no row be updated",
    help="give it the same condition as USING: ALTER POLICY ... USING (<its WITH CHECK condition>)",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        if not _grants_no_row(policy):
            continue
        others = ctx.model.policies_on(policy.schema, policy.table)
        if any(
            other.permissive
            and other.command in ("update", "all")
            and other.using is not None
            and _overlap(policy.roles, other.roles)
            for other in others
        ):
            continue
        yield ctx.finding(
            "SK213",
            policy.origin,
            f"{policy.command.upper()} policy {policy.name} on {policy.qualified_table} has WITH "
            "CHECK but no USING and no other permissive UPDATE policy has one: every UPDATE "
            "through it matches no existing row and silently changes 0 rows",
            help=f'ALTER POLICY "{policy.name}" ON {policy.qualified_table} USING '
            "(<the same condition as its WITH CHECK>);",
            object=policy.qualified_name,
        )


def _grants_no_row(policy: Policy) -> bool:
    return (
        policy.permissive
        and policy.command in ("update", "all")
        and policy.using is None
        and policy.with_check is not None
    )


def _overlap(roles: list[str], others: list[str]) -> bool:
    return "public" in roles or "public" in others or bool(set(roles) & set(others))
