"""
## What it does
Live-only: runs in `sqlkit lint --dsn`. Estimates from the planner's statistics
(`pg_class.reltuples`, `pg_stats` widths, the table's `fillfactor`) how many pages a
table's live rows need, and reports a table that takes at least twice that and wastes at
least 20 MiB. Tables never analysed have no statistics and are not estimated.

Splinter counterpart: `0020_table_bloat`. Differences: splinter reports a table whose
pages exceed the estimate 70-fold (and waste more than 20 MiB), and ignores `fillfactor`,
so a table kept half empty on purpose looks bloated; sqlkit reports from twice (half the
table is dead space), with the table's `fillfactor` in the estimate.

## Why is this bad?
Dead space is read by every sequential scan, kept in shared buffers and backed up. It
grows when autovacuum cannot keep up (long transactions, large updates or deletes,
autovacuum turned off), and plain `VACUUM` does not give it back to the operating system.

## Example
```sql
create table public.events (id bigint primary key, payload text) with (autovacuum_enabled = false);
insert into public.events select g, pg_catalog.repeat('x', 1900) from pg_catalog.generate_series(1, 12000) g;
delete from public.events where id > 100;
analyze public.events;
```

## Use instead
```sql
create table public.events (id bigint primary key, payload text);
insert into public.events select g, pg_catalog.repeat('x', 1900) from pg_catalog.generate_series(1, 100) g;
analyze public.events;
```

## References
- [PostgreSQL: Routine vacuuming](https://www.postgresql.org/docs/current/routine-vacuuming.html)
- [Supabase database linter: table_bloat](https://supabase.com/docs/guides/database/database-linter?lint=0020_table_bloat)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK502",
    "table-bloat",
    "info",
    summary="live-only: a table takes at least twice the pages its rows need (20 MiB or more wasted)",
    counterpart="0020_table_bloat",
    help="VACUUM FULL (it locks the table) or pg_repack, then tune autovacuum for the table",
    live=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Decided by the database: sqlkit.live.checks.bloated_tables."""
    yield from ()
