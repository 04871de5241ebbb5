"""
## What it does
Reports a Supabase Queues (pgmq) queue table, `pgmq.q_<name>` (made by
`select pgmq.create('<name>')` or written out), whose row level security is off while
`anon` or `authenticated` may select from it and the queues are exposed over the API
(`pgmq_public` is in `exposed_schemas`).

Splinter counterpart: `0019_insecure_queue_exposed_in_api`. Same semantics; the exposed
schemas come from the configuration instead of `pgrst.db_schemas`.

## Why is this bad?
With "Expose Queues via PostgREST" on, the `pgmq_public` functions (`send`, `read`, `pop`,
`archive`, `delete`) act on a queue with the caller's privileges. Without RLS on the queue
table, any role granted access to it reads, pops and deletes every message: anyone with
the anon key, or every signed-in user.

## Example
With `exposed_schemas = ["public", "pgmq_public"]`:
```sql
select pgmq.create('emails');
grant select, insert, update, delete on pgmq.q_emails to authenticated;
```

## Use instead
```sql
select pgmq.create('emails');
grant select, insert, update, delete on pgmq.q_emails to authenticated;
alter table pgmq.q_emails enable row level security;
create policy emails_own on pgmq.q_emails for all to authenticated
  using ((message ->> 'user_id')::uuid = (select auth.uid()));
```

## References
- [Supabase Queues: API access and security](https://supabase.com/docs/guides/queues/api)
- [Supabase database linter: insecure_queue_exposed_in_api](https://supabase.com/docs/guides/database/database-linter?lint=0019_insecure_queue_exposed_in_api)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import qualified, readers

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK221",
    "queue-exposed-without-rls",
    "error",
    summary="a pgmq queue table exposed over the API (pgmq_public) has RLS off",
    counterpart="0019_insecure_queue_exposed_in_api",
    help="ALTER TABLE pgmq.q_<name> ENABLE ROW LEVEL SECURITY and add policies",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.is_exposed("pgmq_public"):
        return
    for table in ctx.model.tables.values():
        if table.schema != "pgmq" or not table.name.startswith("q_") or table.rls_enabled:
            continue
        who = readers(ctx, table.privileges)
        if who:
            yield ctx.finding(
                "SK221",
                table.rls_origin or table.origin,
                f"queue table {table.qualified_name} is exposed through pgmq_public and readable "
                f"by {' and '.join(who)} with RLS off: they read and delete every message",
                help=f"ALTER TABLE {qualified(table.schema, table.name)} enable row level "
                "security; then add policies for the roles that use the queue",
                object=table.qualified_name,
            )
