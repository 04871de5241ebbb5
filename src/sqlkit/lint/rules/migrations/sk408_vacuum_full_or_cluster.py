"""
## What it does
Reports `VACUUM FULL` and `CLUSTER` in a migration, of a table that existed before it (or of
every table, without a table name).

## Why is this bad?
Both write a new copy of the table and all its indexes while holding an `ACCESS EXCLUSIVE`
lock: every query on the table, reads included, waits until the copy is done — minutes to
hours on a large table, and it needs the disk space of a second copy. A migration is the wrong
place for maintenance: a plain `VACUUM` (no lock against readers or writers) or an online tool
like `pg_repack` does the job without the outage.

## Example
```sql
vacuum full public.orders;
```

## Use instead
```sql
-- sqlkit: no-transaction
vacuum (analyze) public.orders;
```

## References
- [PostgreSQL: VACUUM](https://www.postgresql.org/docs/current/sql-vacuum.html)
- [PostgreSQL: CLUSTER](https://www.postgresql.org/docs/current/sql-cluster.html)
- [pg_repack](https://reorg.github.io/pg_repack/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import NO_TRANSACTION_FILE, locks, sql_name

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK408",
    "vacuum-full-or-cluster",
    "warning",
    summary="VACUUM FULL or CLUSTER rewrites existing tables under an ACCESS EXCLUSIVE lock",
    help="plain VACUUM (it blocks no reader or writer), or pg_repack outside the migration",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for step, event in locks(ctx, "VACUUM FULL", "CLUSTER"):
        what = "every table" if event.relation == "database" else step.table
        yield ctx.finding(
            "SK408",
            event.origin,
            f"{event.operation} rewrites {what} and its indexes under an ACCESS EXCLUSIVE "
            "lock: every query on it, reads included, waits until the copy is done",
            f"VACUUM (ANALYZE) {'' if event.relation == 'database' else sql_name(step.table)} "
            f"{NO_TRANSACTION_FILE}; or pg_repack outside the migration",
            object=what,
        )
