"""
## What it does
Reports `ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` without `NOT VALID` on a table that existed
before the migration (also `ADD COLUMN ... REFERENCES`, which cannot say `NOT VALID`), and `VALIDATE CONSTRAINT` in the same transaction (the same file) as the
`ADD ... NOT VALID` it validates. A constraint on a table created in the same file, and `NOT
VALID` followed by `VALIDATE` in a later file, are fine. (Squawk cannot tell the same file from
a later one, nor a new table from a live one.)

## Why is this bad?
Adding a `CHECK` holds an `ACCESS EXCLUSIVE` lock (a foreign key `SHARE ROW EXCLUSIVE` on both
tables) while PostgreSQL reads every row to prove the constraint: writers — and for a check,
readers — wait for the whole scan. `NOT VALID` adds the constraint for new rows at once;
`VALIDATE CONSTRAINT` later proves the old rows under `SHARE UPDATE EXCLUSIVE`, which blocks no
reader or writer. Validating in the same transaction keeps the first, strong lock for the scan.

## Example
```sql
alter table public.orders add constraint orders_customer_fkey
  foreign key (customer_id) references public.customers (id);
```

## Use instead
```sql
-- this file:
alter table public.orders add constraint orders_customer_fkey
  foreign key (customer_id) references public.customers (id) not valid;
-- a later file:
-- alter table public.orders validate constraint orders_customer_fkey;
```

## References
- [PostgreSQL: ALTER TABLE, ADD table_constraint NOT VALID](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import existing, migration_steps, sql_name
from sqlkit.model.events import AddColumn, AddConstraint, ValidateConstraint
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

_KINDS = {"foreign": "FOREIGN KEY", "check": "CHECK"}


@rule(
    "SK409",
    "constraint-validated-under-lock",
    "warning",
    summary="a CHECK or FOREIGN KEY is validated against an existing table's rows while writes wait (no NOT VALID, or VALIDATE in the same transaction)",
    help="ADD CONSTRAINT ... NOT VALID in this file, VALIDATE CONSTRAINT in a later one",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, AddConstraint):
        spec = event.constraint
        kind = _KINDS.get(spec.kind)
        if kind is None or spec.not_valid:
            continue
        # a CHECK takes ACCESS EXCLUSIVE (reads wait too); a foreign key SHARE ROW EXCLUSIVE
        lock, waiting = (
            ("a SHARE ROW EXCLUSIVE", "writes wait")
            if spec.kind == "foreign"
            else ("an ACCESS EXCLUSIVE", "reads and writes wait")
        )
        name = f" {spec.name}" if spec.name else ""
        yield ctx.finding(
            "SK409",
            event.origin,
            f"ADD CONSTRAINT{name} {kind} on {step.table} without NOT VALID reads every row "
            f"under {lock} lock: {waiting} for the whole scan",
            f"ADD CONSTRAINT ... NOT VALID here; ALTER TABLE {sql_name(step.table)} VALIDATE "
            f"CONSTRAINT {spec.name or '...'} in a later migration file",
            object=step.table,
        )
    for step, added in existing(ctx, AddColumn):
        if not any(c.kind == "foreign" for c in added.constraints):
            continue
        if step.known and step.column is not None:
            continue  # ADD COLUMN IF NOT EXISTS of a column that is there: nothing is added
        column = quote_ident(added.column.name)
        yield ctx.finding(
            "SK409",
            added.origin,
            f"ADD COLUMN {column} ... REFERENCES on {step.table} checks the new key against "
            "every row (a NOT VALID foreign key cannot be written inline): writes wait for "
            "the whole scan",
            f"ALTER TABLE {sql_name(step.table)} ADD COLUMN {column} {added.column.type}; then "
            f"ADD CONSTRAINT ... FOREIGN KEY ({column}) REFERENCES ... NOT VALID, and VALIDATE "
            "CONSTRAINT in a later file",
            object=step.table,
        )
    in_transaction = {file.path for file in ctx.files if not file.no_transaction}
    for step in migration_steps(ctx):
        validate = step.event
        if (
            isinstance(validate, ValidateConstraint)
            and step.existing
            and not step.constraint_existing
            and validate.origin.path in in_transaction
        ):
            yield ctx.finding(
                "SK409",
                validate.origin,
                f"VALIDATE CONSTRAINT {validate.name} in the transaction that added it NOT VALID: "
                f"the ADD's lock on {step.table} is held for the whole scan",
                f"ALTER TABLE {sql_name(step.table)} VALIDATE CONSTRAINT {quote_ident(validate.name)} in a later migration file",
                object=step.table,
            )
