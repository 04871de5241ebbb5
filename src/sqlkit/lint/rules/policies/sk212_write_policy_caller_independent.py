"""
## What it does
Reports, once per policy, a permissive INSERT, UPDATE, DELETE or ALL policy that
reaches `anon` (`TO anon`, `TO public`, or no `TO` clause) whose condition is not
literally `true` (that is SK205) but does not depend on the caller at all: no
`auth.*()` call, no JWT claim or `request.*` setting, no `current_user` or role
check, and no function that reads any of them — directly or in a sub-select. For
example `with check (bucket_id = 'attachments')`. A call of a function sqlkit cannot
see is given the benefit of the doubt; Storage's `storage.foldername()`,
`storage.filename()` and `storage.extension()` read only the object's name.

It judges policies on tables in the exposed schemas and on `storage.objects`, where
Supabase Storage checks the policies of every upload. Policies are judged in the
project's final state.

## Why is this bad?
Anyone on the internet holding the public anon key can write: upload any object at any
path of the bucket (into other users' folders too), insert or change rows. The
condition looks like a restriction, but it restricts *what* is written, not *who*
writes it.

## Example
```sql
create policy "Anyone can upload an avatar." on storage.objects
  for insert with check (bucket_id = 'avatars');
```

## Use instead
```sql
create policy "Users upload their own avatar." on storage.objects
  for insert to authenticated
  with check (bucket_id = 'avatars'
              and (storage.foldername(name))[1] = (select auth.uid())::text);
```

## References
- [Supabase Storage: access control](https://supabase.com/docs/guides/storage/security/access-control)
- [PostgreSQL: CREATE POLICY](https://www.postgresql.org/docs/current/sql-createpolicy.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.policies.caller import (
    can_write,
    depends_on_caller,
    judged_table,
    reaches,
)

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK212",
    "write-policy-caller-independent",
    "error",
    summary="a write policy that reaches anon does not depend on the caller at all",
    help="limit it to signed-in users and bind it to the caller: TO authenticated WITH CHECK "
    "(... AND owner_id = (select auth.uid()))",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for policy in ctx.model.policies.values():
        if policy.command == "select" or not policy.permissive:
            continue
        if not reaches(policy, {"anon"}) or not judged_table(ctx, policy.schema, policy.table):
            continue
        if not can_write(ctx, policy.schema, policy.table, {"anon", "public"}, policy.command):
            continue  # anon may not write the table at all: the policy opens nothing
        facts = policy.analysed()
        exprs = [e for e in (facts.using, facts.with_check) if e is not None]
        if not exprs or any(e.literal_true for e in exprs):
            continue  # no condition, or literally true: SK205's finding
        if any(depends_on_caller(ctx, e) for e in exprs):
            continue
        to = "TO public" if policy.explicit_roles else "no TO clause"
        clause = "WITH CHECK" if policy.with_check is not None else "USING"
        yield ctx.finding(
            "SK212",
            policy.origin,
            f"{policy.command.upper()} policy {policy.name} on {policy.qualified_table} reaches "
            f"anon ({'TO anon' if 'anon' in policy.roles else to}) and its condition does not "
            "depend on the caller: anyone with the public anon key can write",
            help=f'ALTER POLICY "{policy.name}" ON {policy.qualified_table} TO authenticated '
            f"{clause} (<its current condition> AND <owner column> = (select auth.uid()));",
            object=policy.qualified_name,
        )
