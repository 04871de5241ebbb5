"""
## What it does
Reports `ALTER COLUMN ... SET NOT NULL` (and PostgreSQL 18's `ADD CONSTRAINT ... NOT NULL`) on
a column of a table that existed before the migration, unless the column is NOT NULL already
or a validated `CHECK (column IS NOT NULL)` proves it: PostgreSQL 12+ then skips the scan.
sqlkit sees the check from the replayed project, so the safe three-step form passes. (Squawk
reports every `SET NOT NULL`, the safe form too.)

## Why is this bad?
`SET NOT NULL` holds an `ACCESS EXCLUSIVE` lock while it reads every row to find a null: no one
can read or write the table for the whole scan.

## Example
```sql
alter table public.orders alter column customer_id set not null;
```

## Use instead
```sql
-- this file:
alter table public.orders add constraint orders_customer_id_not_null
  check (customer_id is not null) not valid;
-- a later file (the scan blocks no one), then SET NOT NULL skips the scan:
-- alter table public.orders validate constraint orders_customer_id_not_null;
-- alter table public.orders alter column customer_id set not null;
-- alter table public.orders drop constraint orders_customer_id_not_null;
```

## References
- [PostgreSQL: ALTER TABLE, SET NOT NULL](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import column_name, migration_steps, sql_name
from sqlkit.model.events import AddConstraint, AlterColumn
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK410",
    "set-not-null-scans",
    "warning",
    summary="SET NOT NULL scans an existing table under ACCESS EXCLUSIVE: no validated CHECK (col IS NOT NULL) first",
    help="ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE it in a later file; "
    "then SET NOT NULL skips the scan",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step in migration_steps(ctx):
        event = step.event
        if not step.existing:
            continue
        if isinstance(event, AlterColumn) and event.not_null:
            columns: tuple[str, ...] = (event.column,)
            if step.known and step.column is None:
                continue  # no such column in the project
        elif isinstance(event, AddConstraint) and event.constraint.kind == "not_null":
            columns = event.constraint.columns
        else:
            continue
        for column in columns:
            if column in step.proven_not_null:
                continue
            yield ctx.finding(
                "SK410",
                event.origin,
                f"SET NOT NULL on {column_name(step, column)} reads every row of {step.table} "
                "under an ACCESS EXCLUSIVE lock: no one reads or writes it during the scan",
                f"ALTER TABLE {sql_name(step.table)} ADD CONSTRAINT {quote_ident(column + '_not_null')} "
                f"CHECK ({quote_ident(column)} IS NOT NULL) NOT VALID; VALIDATE it in a later "
                "file, then SET NOT NULL skips the scan",
                object=step.table,
            )
