"""
## What it does
Live-only: runs in `sqlkit lint --dsn`. Reports an index that has never been scanned since
the database's statistics began (`pg_stat_user_indexes.idx_scan = 0`) on a table whose
other indexes have been scanned in that time: the workload looks rows up in that table,
and never with this index. Indexes that enforce a primary key or uniqueness are left out,
and so is the only index that covers a foreign key (SK214 would report the key without
it). One finding per index.

Splinter counterpart: `0005_unused_index`. Differences: splinter reports every unscanned
index, also on a freshly deployed or restored database or a table nobody queried yet
(where nothing was ever scanned, so "unused" says nothing: index builds and foreign key
checks count as sequential scans, so a table's sequential scans do not tell either);
sqlkit wants the table's other indexes used, and keeps the indexes foreign keys need. It
misses an index on a table that is only ever read sequentially.

## Why is this bad?
Every insert, update and (non-HOT) update of the table writes to each of its indexes, and
every index takes disk, memory in shared buffers, and backup and vacuum time. An index the
planner never chose pays that cost for nothing.

## Example
```sql
create table public.orders (id bigint primary key, status text, note text);
create index orders_note_idx on public.orders (note);
insert into public.orders select g, 'new', 'n' || g from pg_catalog.generate_series(1, 1000) g;
analyze public.orders;
select status from public.orders where id = 42;  -- through the primary key
```

## Use instead
```sql
create table public.orders (id bigint primary key, status text, note text);
insert into public.orders select g, 'new', 'n' || g from pg_catalog.generate_series(1, 1000) g;
analyze public.orders;
select status from public.orders where id = 42;
```

## References
- [PostgreSQL: pg_stat_user_indexes](https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-INDEXES-VIEW)
- [Supabase database linter: unused_index](https://supabase.com/docs/guides/database/database-linter?lint=0005_unused_index)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK501",
    "unused-index",
    "info",
    summary="live-only: an index never scanned since statistics began while its table's other indexes were",
    counterpart="0005_unused_index",
    help="DROP INDEX CONCURRENTLY it, once the statistics cover a full cycle of the workload",
    live=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Decided by the database: sqlkit.live.checks.unused_indexes."""
    yield from ()
