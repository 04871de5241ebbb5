"""
## What it does
Reports `ADD COLUMN ... NOT NULL` (or `PRIMARY KEY`) without a default on a table that existed
before the migration. On a table created in the same file, it is fine.

## Why is this bad?
PostgreSQL fills the new column of every existing row with null, then fails the `NOT NULL`: the
migration breaks as soon as the table has one row — typically only in production, where the
table is not empty. The old application, which does not know the column, also could not insert.

## Example
```sql
alter table public.orders add column currency text not null;
```

## Use instead
```sql
alter table public.orders add column currency text not null default 'EUR';
```

## References
- [PostgreSQL: ALTER TABLE, ADD COLUMN](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import column_name, existing, sql_name
from sqlkit.model.events import AddColumn
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK415",
    "add-required-column",
    "error",
    summary="ADD COLUMN ... NOT NULL without a default on an existing table: fails as soon as the table has a row",
    help="give the column a constant DEFAULT, or add it nullable, backfill, then SET NOT NULL",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, AddColumn):
        spec = event.column
        required = spec.not_null or any(c.kind == "primary" for c in event.constraints)
        if not required or spec.default is not None or spec.identity or spec.generated:
            continue
        if event.if_not_exists and step.known and step.column is not None:
            continue  # there already: nothing is added
        yield ctx.finding(
            "SK415",
            event.origin,
            f"ADD COLUMN {column_name(step, spec.name)} NOT NULL without a default fails as "
            f"soon as {step.table} has a row: every existing row would hold null",
            f"ALTER TABLE {sql_name(step.table)} ADD COLUMN {quote_ident(spec.name)} {spec.type} "
            "NOT NULL DEFAULT <a constant>; or add it nullable, backfill, then SET NOT NULL",
            object=step.table,
        )
