"""
## What it does
Reports `ADD COLUMN` on a table that existed before the migration when PostgreSQL has to
rewrite the table to fill the column: a volatile default (`gen_random_uuid()`, `random()`,
`clock_timestamp()`, a function sqlkit cannot see), a `serial`/identity column, or a stored
generated column. A constant or stable default (`0`, `'new'`, `now()`) is stored once in the
catalog since PostgreSQL 11 and costs nothing; neither does any column added to a table created
in the same file. (Squawk's `adding-field-with-default` also reports stable defaults like
`now()` only when told the PostgreSQL version.)

## Why is this bad?
The rewrite computes the value for every row and copies the table under an `ACCESS EXCLUSIVE`
lock: no one can read or write it until every row is done.

## Example
```sql
alter table public.orders add column public_id uuid default gen_random_uuid();
```

## Use instead
```sql
alter table public.orders add column public_id uuid;
alter table public.orders alter column public_id set default gen_random_uuid();
-- then fill the old rows in batches in later files:
-- update public.orders set public_id = gen_random_uuid() where public_id is null and id < 10000;
```

## References
- [PostgreSQL: ALTER TABLE, ADD COLUMN notes](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import column_name, existing, sql_name
from sqlkit.model.events import AddColumn
from sqlkit.model.structure import calls_volatile
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK406",
    "add-column-rewrite",
    "warning",
    summary="ADD COLUMN with a volatile default, identity or stored generated value rewrites an existing table",
    help="add the column without the default, SET DEFAULT in a second statement (new rows "
    "only), and fill the old rows in batches",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, AddColumn):
        spec = event.column
        if event.if_not_exists and step.known and step.column is not None:
            continue  # there already: nothing is added
        if spec.generated == "stored":
            why = "a stored generated column is computed for every row"
        elif spec.identity is not None:
            why = "an identity column takes a value from its sequence for every row"
        elif calls_volatile(spec.default):
            why = "its default is volatile, so it is computed for every row"
        else:
            continue
        yield ctx.finding(
            "SK406",
            event.origin,
            f"ADD COLUMN {column_name(step, spec.name)} rewrites {step.table} under an ACCESS "
            f"EXCLUSIVE lock: {why}",
            f"ALTER TABLE {sql_name(step.table)} ADD COLUMN {quote_ident(spec.name)} {spec.type}; "
            "then SET DEFAULT for new rows and fill the old rows in batches",
            object=step.table,
        )
