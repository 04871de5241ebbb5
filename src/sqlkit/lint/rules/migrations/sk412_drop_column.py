"""
## What it does
Reports `DROP COLUMN` of a column that existed before the migration. Dropping a column added
earlier in the same file, or one of a table created there, is fine.

## Why is this bad?
During a deploy the old version of the application keeps running until the new one replaces
it: its queries that select, insert or update the column fail from the moment the migration
commits (`column "x" does not exist`), and PostgREST's schema cache serves errors until it
reloads. The data in the column is gone. Stop using the column in the application first, deploy,
then drop it; suppress this finding with the reason once that is done.

## Example
```sql
alter table public.profiles drop column nickname;
```

## Use instead
```sql
-- after a deploy of an application that no longer reads or writes the column:
alter table public.profiles drop column nickname; -- sqlkit: ignore SK412 -- the app stopped using nickname in release 4.2
```

## References
- [strong_migrations: Removing a column](https://github.com/ankane/strong_migrations#removing-a-column)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import column_name, existing
from sqlkit.model.events import DropColumn
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK412",
    "drop-column",
    "warning",
    summary="DROP COLUMN of a column that existed before the migration: running clients that use it break",
    help="stop using the column in the application and deploy first; then drop it and "
    "suppress this finding with that reason",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in existing(ctx, DropColumn):
        if step.known and (step.column is None or not step.column_existing):
            continue  # added in this file, or not there at all
        yield ctx.finding(
            "SK412",
            event.origin,
            f"DROP COLUMN {column_name(step, event.column)}: the running application's "
            "queries that use it fail from the moment this migration commits",
            f"DROP COLUMN only after a deploy that no longer uses {quote_ident(event.column)}; then "
            "say so: -- sqlkit: ignore SK412 -- <why it is safe now>",
            object=step.table,
        )
