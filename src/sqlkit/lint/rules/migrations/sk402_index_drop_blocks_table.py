"""
## What it does
Reports `DROP INDEX` without `CONCURRENTLY` of an index on a table that existed before the
migration. An index created in the same file, or one on a table created there, is fine; so
is `DROP INDEX IF EXISTS` of an index the project never creates (it may not exist at all).

## Why is this bad?
A plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index's table. The drop itself
is quick, but the lock has to wait for every running query on the table to finish, and
while it waits every new query on the table — reads included — queues behind it. A slow
report or a long transaction turns a harmless drop into an outage. `DROP INDEX
CONCURRENTLY` waits without blocking anyone; it cannot run in a transaction.

## Example
```sql
drop index public.orders_status_idx;
```

## Use instead
```sql
-- sqlkit: no-transaction
drop index concurrently if exists public.orders_status_idx;
```

## References
- [PostgreSQL: DROP INDEX](https://www.postgresql.org/docs/current/sql-dropindex.html)
- [PostgreSQL: Explicit Locking](https://www.postgresql.org/docs/current/explicit-locking.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import NO_TRANSACTION_FILE, index_name, locks

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK402",
    "index-drop-blocks-table",
    "warning",
    summary="DROP INDEX without CONCURRENTLY on a table that existed before the migration",
    help=f"DROP INDEX CONCURRENTLY, {NO_TRANSACTION_FILE}",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "DROP INDEX"):
        if event.concurrently or (event.if_exists and not step.known):
            continue
        index = index_name(event)
        on = f" on {step.table}" if step.known else ""
        yield ctx.finding(
            "SK402",
            event.origin,
            f"DROP INDEX {index} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock{on}: "
            "while it waits for running queries, every query on the table, reads included, "
            "queues behind it",
            f"DROP INDEX CONCURRENTLY IF EXISTS {index}; {NO_TRANSACTION_FILE}",
            object=index,
        )
