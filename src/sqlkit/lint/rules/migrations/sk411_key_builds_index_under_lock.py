"""
## What it does
Reports `ADD PRIMARY KEY`, `ADD UNIQUE` and `ADD EXCLUDE` on a table that existed before the
migration unless the constraint takes over an index built beforehand (`USING INDEX`). A key
added to a table created in the same file is fine.

## Why is this bad?
The constraint builds its index while `ALTER TABLE` holds an `ACCESS EXCLUSIVE` lock: no one
can read or write the table until every row is read and sorted (a primary key also scans for
nulls when its columns are not NOT NULL yet). Build the unique index `CONCURRENTLY` first, then
attach it with `USING INDEX`, which only needs the lock for a moment.

## Example
```sql
alter table public.orders add constraint orders_number_key unique (number);
```

## Use instead
```sql
-- a file of its own:
-- sqlkit: no-transaction
create unique index concurrently if not exists orders_number_key on public.orders (number);
-- a later file:
-- alter table public.orders add constraint orders_number_key unique using index orders_number_key;
```

## References
- [PostgreSQL: ALTER TABLE, ADD table_constraint_using_index](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import NO_TRANSACTION_FILE, existing, sql_name
from sqlkit.model.events import AddConstraint
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

_KINDS = {"primary": "PRIMARY KEY", "unique": "UNIQUE", "exclude": "EXCLUDE"}


@rule(
    "SK411",
    "key-builds-index-under-lock",
    "warning",
    summary="ADD PRIMARY KEY / UNIQUE / EXCLUDE builds its index on an existing table under ACCESS EXCLUSIVE (not USING INDEX)",
    help="CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction file, then ADD CONSTRAINT ... "
    "USING INDEX",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, AddConstraint):
        spec = event.constraint
        kind = _KINDS.get(spec.kind)
        if kind is None or spec.using_index is not None:
            continue
        table = sql_name(step.table)
        if spec.kind == "exclude":
            help = (
                f"CREATE TABLE ... (LIKE {table}) with the EXCLUDE constraint, copy the rows in "
                "batches, swap the names in one short transaction"
            )
        else:
            columns = ", ".join(quote_ident(c) for c in spec.columns) or "..."
            index = quote_ident(spec.name) if spec.name else "..."
            help = (
                f"CREATE UNIQUE INDEX CONCURRENTLY {index} ON {table} ({columns}) "
                f"{NO_TRANSACTION_FILE}; then ALTER TABLE {table} ADD CONSTRAINT {index} "
                f"{kind} USING INDEX {index}"
            )
        yield ctx.finding(
            "SK411",
            event.origin,
            f"ADD {kind} on {step.table} builds its index under an ACCESS EXCLUSIVE lock: no "
            "one reads or writes the table until every row is indexed",
            help,
            object=step.table,
        )
