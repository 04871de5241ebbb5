"""
## What it does
Reports `CREATE INDEX` without `CONCURRENTLY` on a table that existed before the migration
(one not created earlier in the same file). An index on a table created in the same file,
an index that is there already (`IF NOT EXISTS`) and an index on a materialized view are
fine.

Squawk's `require-concurrent-index-creation` reports every `CREATE INDEX`, also on a table
created two lines earlier, which is empty and which no one else can see yet.

## Why is this bad?
A plain `CREATE INDEX` holds a `SHARE` lock on the table while it reads every row and sorts
them: every `INSERT`, `UPDATE` and `DELETE` on the table waits until the index is built,
minutes on a large table. `CREATE INDEX CONCURRENTLY` builds it without blocking writes (it
reads the table twice and cannot run inside a transaction, so it goes in a file of its
own). A partitioned table cannot be indexed concurrently: create the index `ON ONLY` the
parent, build each partition's concurrently and attach them.

## Example
```sql
create index orders_customer_idx on public.orders (customer_id);
```

## Use instead
```sql
-- sqlkit: no-transaction
create index concurrently if not exists orders_customer_idx on public.orders (customer_id);
```

## References
- [PostgreSQL: CREATE INDEX, Building Indexes Concurrently](https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY)
- [PostgreSQL: Explicit Locking](https://www.postgresql.org/docs/current/explicit-locking.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import NO_TRANSACTION_FILE, locks

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK401",
    "index-build-blocks-writes",
    "warning",
    summary="CREATE INDEX without CONCURRENTLY on a table that existed before the migration",
    help=f"CREATE INDEX CONCURRENTLY, {NO_TRANSACTION_FILE}",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "CREATE INDEX"):
        if event.concurrently or step.index_exists:
            continue
        note = ""
        if step.table_kind == "partitioned":
            note = " (partitioned: it cannot be indexed concurrently, its partitions can)"
            help = (
                f"CREATE INDEX ... ON ONLY {step.table} (...); then CREATE INDEX CONCURRENTLY on "
                "each partition and ALTER INDEX ... ATTACH PARTITION each one (a partitioned "
                "table cannot be indexed concurrently)"
            )
        else:
            help = None
        yield ctx.finding(
            "SK401",
            event.origin,
            f"CREATE INDEX on {step.table} without CONCURRENTLY: it holds a SHARE lock while "
            f"it reads the whole table, so every INSERT, UPDATE and DELETE on {step.table} "
            f"waits until the index is built{note}",
            help,
            object=step.table,
        )
