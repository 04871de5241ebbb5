"""
## What it does
Reports `DROP TABLE` of a table that existed before the migration. Dropping a table created in
the same file, or `DROP TABLE IF EXISTS` of a table the project never creates, is fine.

## Why is this bad?
The running application's queries on the table fail from the moment the migration commits, and
the rows are gone for good — a restore is the only way back. Stop using the table, deploy, keep
a copy if the data matters, then drop it and suppress this finding with that reason.

## Example
```sql
drop table public.legacy_orders;
```

## Use instead
```sql
-- after a deploy that no longer uses the table, with a backup taken:
drop table public.legacy_orders; -- sqlkit: ignore SK414 -- unused since release 4.2, archived to s3
```

## References
- [strong_migrations: Removing a table](https://github.com/ankane/strong_migrations#removing-a-table)
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
    "SK414",
    "drop-table",
    "warning",
    summary="DROP TABLE of a table that existed before the migration: running clients break, the data is gone",
    help="stop using the table and deploy first, keep a copy of its rows, then drop it and "
    "suppress this finding with that reason",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "DROP TABLE"):
        if event.if_exists and not step.known:
            continue
        yield ctx.finding(
            "SK414",
            event.origin,
            f"DROP TABLE {step.table}: the running application's queries on it fail once this "
            "migration commits, and its rows are gone",
            f"DROP TABLE {sql_name(step.table)} only after a deploy that no longer uses it and a "
            "copy of its rows; then say so: -- sqlkit: ignore SK414 -- <why it is safe now>",
            object=step.table,
        )
