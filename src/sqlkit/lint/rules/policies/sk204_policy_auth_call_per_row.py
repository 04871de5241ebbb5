"""
## What it does
Reports a policy that calls `auth.uid()`, `auth.jwt()`, `auth.role()`,
`auth.email()` or `current_setting()` outside a scalar sub-select. The accepted
form is `(select auth.uid())`.

Splinter counterpart: `0003_auth_rls_initplan`.

## Why is this bad?
A bare call is evaluated for every row the query looks at. Wrapped in
`(select ...)` it becomes an init plan, evaluated once per statement: on large
tables the difference is orders of magnitude.

## Example
```sql
create policy notes_owner on public.notes for select to authenticated
  using (auth.uid() = owner_id);
```

## Use instead
```sql
create policy notes_owner on public.notes for select to authenticated
  using ((select auth.uid()) = owner_id);
```

## References
- [Supabase: RLS performance recommendations](https://supabase.com/docs/guides/database/postgres/row-level-security#call-functions-with-select)
- [Supabase database linter: auth_rls_initplan](https://supabase.com/docs/guides/database/database-linter?lint=0003_auth_rls_initplan)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.edits import insert
from sqlkit.lint.finding import Edit, Fix
from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Policy


@rule(
    "SK204",
    "policy-auth-call-per-row",
    "warning",
    summary="a policy calls auth.uid()/jwt()/role()/email() or current_setting() outside (select ...)",
    counterpart="0003_auth_rls_initplan",
    help="wrap the call in a scalar sub-select: (select auth.uid())",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        facts = policy.analysed()
        calls = [
            call for expr in (facts.using, facts.with_check) if expr for call in expr.auth_calls
        ]
        if not calls:
            continue
        per_row = list(dict.fromkeys(call for call, scope in calls if scope is None))
        inner = list(dict.fromkeys((call, scope) for call, scope in calls if scope is not None))
        if per_row:
            what = (
                f"calls {', '.join(per_row)} once for every row of {policy.qualified_table} it "
                "checks: a scan of N rows makes N calls"
            )
        else:
            what = "calls " + ", ".join(
                f"{call} once per row of {scope} in a sub-select" for call, scope in inner
            )
        first = (per_row or [inner[0][0]])[0]
        yield ctx.finding(
            "SK204",
            policy.origin,
            f"policy {policy.name} on {policy.qualified_table} {what}",
            help=f"wrap the call in a scalar sub-select, evaluated once per statement: "
            f'(select {first}) -- e.g. ALTER POLICY "{policy.name}" ON {policy.qualified_table} '
            f"USING (... = (select {first}));",
            object=policy.qualified_name,
            fix=wrap_calls(policy),
        )


def wrap_calls(policy: Policy) -> Fix:
    """`(select ` before and `)` after every call the rule reports, in USING and WITH CHECK,
    where the statement that gave each expression is written. Safe: a scalar sub-select of a
    stable call returns what the call returns; only how often it runs changes."""
    edits: list[Edit] = []
    for path, ranges in (policy.using_calls, policy.check_calls):
        if ranges is None:
            return Fix.refuse(
                "wrap the calls in (select ...)",
                "a call could not be read back from the text (a comment inside it?): "
                "wrap it by hand",
            )
        for line, column, end_line, end_column in ranges:
            edits.append(insert(path, (line, column, line, column), "(select "))
            edits.append(insert(path, (end_line, end_column, end_line, end_column), ")"))
    if not edits:
        return Fix.refuse("wrap the calls in (select ...)", "sqlkit did not see where they are")
    return Fix("wrap the calls in (select ...)", tuple(edits))
