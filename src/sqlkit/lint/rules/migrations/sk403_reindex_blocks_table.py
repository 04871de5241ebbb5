"""
## What it does
Reports `REINDEX` without `CONCURRENTLY` of a table, an index, a schema or the database when
what it rebuilds existed before the migration. Reindexing an index or a table created earlier
in the same file is fine.

## Why is this bad?
A plain `REINDEX` takes an `ACCESS EXCLUSIVE` lock on each index it rebuilds (and `SHARE` on
its table): every query that would use the index — reads included, since the planner opens
every index of a table — waits until the rebuild ends, minutes on a large table.
`REINDEX ... CONCURRENTLY` (PostgreSQL 12+) builds the new index beside the old one and swaps
them without blocking; it cannot run inside a transaction.

## Example
```sql
reindex table public.orders;
```

## Use instead
```sql
-- sqlkit: no-transaction
reindex table concurrently public.orders;
```

## References
- [PostgreSQL: REINDEX, Rebuilding Indexes Concurrently](https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY)
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
    "SK403",
    "reindex-blocks-table",
    "warning",
    summary="REINDEX without CONCURRENTLY on tables that existed before the migration",
    help=f"REINDEX ... CONCURRENTLY, {NO_TRANSACTION_FILE}",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "REINDEX"):
        if event.concurrently:
            continue
        what = event.relation.upper()
        target = {"index": index_name(event), "schema": event.schema or "", "database": ""}.get(
            event.relation, step.table
        )
        named = f"{what} {target}".rstrip()
        yield ctx.finding(
            "SK403",
            event.origin,
            f"REINDEX {named} without CONCURRENTLY locks each index it rebuilds with ACCESS "
            "EXCLUSIVE: queries that use them, reads included, wait until it ends",
            f"REINDEX {what} CONCURRENTLY {target}; {NO_TRANSACTION_FILE}",
            object=target or "the database",
        )
