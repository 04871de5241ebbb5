"""
## What it does
Reports `RENAME COLUMN`, `RENAME TO` and `SET SCHEMA` of a table or column that existed before
the migration, and the renames of a view (or of a view's column) that did. Renaming what the
same file created is fine.

## Why is this bad?
The running application still uses the old name: its queries fail from the moment the
migration commits until the new version is deployed (and PostgREST clients keep the old name
until its schema cache reloads). Add the new name beside the old one instead — a new column kept
in step by a trigger, or a view with the new name — move the application over, then remove the
old name.

## Example
```sql
alter table public.profiles rename column nickname to display_name;
```

## Use instead
```sql
alter table public.profiles add column display_name text;
-- keep both filled (a trigger, or write both in the application), backfill, deploy the
-- application that reads display_name, then drop nickname in a later migration
```

## References
- [strong_migrations: Renaming a column](https://github.com/ankane/strong_migrations#renaming-a-column)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import column_name, existing, locks, sql_name
from sqlkit.model.events import RenameColumn
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK413",
    "rename-column-or-table",
    "warning",
    summary="RENAME of an existing column or table (or SET SCHEMA): running clients that use the old name break",
    help="add the new name beside the old one (a column kept in step, or a view), move the "
    "application over, then drop the old name",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, RenameColumn):
        if step.known and (step.column is None or not step.column_existing):
            continue
        yield ctx.finding(
            "SK413",
            event.origin,
            f"RENAME COLUMN {column_name(step, event.old)} TO {event.new}: the running "
            "application's queries that use the old name fail once this migration commits",
            f"ALTER TABLE {sql_name(step.table)} ADD COLUMN {quote_ident(event.new)} ...; keep "
            "both in step, move the application over, then drop the old column",
            object=step.table,
        )
    for operations, instead in _RENAMES:
        for step, lock in locks(ctx, *operations):
            if lock.if_exists and not step.known:
                continue
            yield ctx.finding(
                "SK413",
                lock.origin,
                f"{lock.operation} of {step.table}: the running application's queries that use "
                "the old name fail once this migration commits",
                instead.format(name=sql_name(step.table)),
                object=step.table,
            )


# renames of whole relations and of view columns: what takes the new name without breaking
_RENAMES = (
    (
        ("RENAME VIEW", "RENAME VIEW COLUMN"),
        "CREATE OR REPLACE VIEW {name} with the new name added beside the old one, move the "
        "application over, then drop the old name",
    ),
    (
        ("RENAME TABLE", "SET SCHEMA"),
        "CREATE VIEW with the new name over {name} (it stays writable), move the application "
        "over, then rename",
    ),
)
