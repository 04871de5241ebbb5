"""
## What it does
Reports `ALTER TABLE ... SET LOGGED` and `SET UNLOGGED` of a table that existed before the
migration.

## Why is this bad?
Both rewrite the whole table into a new file (`SET LOGGED` also writes all of it to the WAL)
while holding an `ACCESS EXCLUSIVE` lock: no one can read or write the table until the copy
is done. On a table created in the same migration it costs nothing.

## Example
```sql
alter table public.page_views set logged;
```

## Use instead
```sql
-- create the table logged from the start; to change an existing one, copy it in batches into
-- a new table and swap the names in one short transaction
create table public.page_views_logged (like public.page_views including all);
```

## References
- [PostgreSQL: ALTER TABLE, SET LOGGED / UNLOGGED](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import locks, sql_name

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK407",
    "set-logged-rewrite",
    "warning",
    summary="SET LOGGED / SET UNLOGGED rewrites an existing table",
    help="create the table with the persistence it needs; for an existing one, copy it in "
    "batches into a new table and swap the names in one short transaction",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "SET LOGGED", "SET UNLOGGED"):
        yield ctx.finding(
            "SK407",
            event.origin,
            f"{event.operation} rewrites {step.table} under an ACCESS EXCLUSIVE lock: no one "
            "reads or writes it until the whole table is copied",
            f"CREATE TABLE ... (LIKE {sql_name(step.table)} INCLUDING ALL) with the persistence "
            "it needs, copy the rows in batches, swap the names in one short transaction",
            object=step.table,
        )
