"""
## What it does
Reports a statement PostgreSQL refuses inside a transaction block — `CREATE INDEX
CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`, `VACUUM`, `ALTER TABLE
... DETACH PARTITION CONCURRENTLY`, `CREATE DATABASE`, `ALTER SYSTEM` and the like — in a
file whose first line is not `-- sqlkit: no-transaction`.

## Why is this bad?
`sqlkit apply` runs each file in one transaction, so PostgreSQL would stop with `cannot run
inside a transaction block`; apply refuses such a file before it starts. The lint says so
while the migration is still in review. (The Supabase CLI also runs a file in a transaction:
the statement fails there too.)

## Example
```sql
create index concurrently orders_customer_idx on public.orders (customer_id);
```

## Use instead
```sql
-- sqlkit: no-transaction
create index concurrently orders_customer_idx on public.orders (customer_id);
```

## References
- [PostgreSQL: CREATE INDEX, Building Indexes Concurrently](https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY)
- [sqlkit: apply, files outside a transaction](../apply.md#safety)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.model.events import RefusedInTransaction

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK404",
    "refused-in-transaction",
    "error",
    summary="CONCURRENTLY, VACUUM or another statement PostgreSQL refuses in a transaction, in a file without the no-transaction marker",
    help="move it to a file of its own whose first line is `-- sqlkit: no-transaction`",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for file in ctx.files:
        if file.no_transaction:
            continue
        for event in file.events:
            if isinstance(event, RefusedInTransaction):
                yield ctx.finding(
                    "SK404",
                    event.origin,
                    f"{event.what} cannot run inside a transaction block, and apply runs "
                    f"{PurePath(file.path).name} in one: it would refuse the file",
                    object=event.what,
                )
