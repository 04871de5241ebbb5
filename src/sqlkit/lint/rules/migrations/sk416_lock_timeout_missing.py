"""
## What it does
Reports a migration file that takes an `ACCESS EXCLUSIVE` lock on a table that existed before
it (`ALTER TABLE`, `DROP`, `CREATE POLICY`, `REINDEX`, `TRUNCATE`, ...) with no `lock_timeout`
bounding the wait: no `SET lock_timeout` before the statement, no `-- sqlkit: lock-timeout=5s`
directive in the file's header, no `statement_lock_timeout` in the project's settings (apply's
own). One finding per file, at its first such statement. Locks on tables created in the same
file wait for no one and are not counted.

## Why is this bad?
Even a statement that is instant once it holds the lock — adding a nullable column, a policy —
must first wait for every running query on the table to finish. While it waits, every new query
on the table, reads included, queues behind it: one slow report turns a millisecond migration
into an outage. With a `lock_timeout` the migration gives up instead (apply can retry it).

## Example
```sql
alter table public.orders add column note text;
```

## Use instead
```sql
-- sqlkit: lock-timeout=5s
alter table public.orders add column note text;
```

## References
- [PostgreSQL: lock_timeout](https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT)
- [sqlkit: apply's guard rails](../apply.md#guard-rails)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.migrations.common import existing
from sqlkit.model.events import LockRelation

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

_ZERO = frozenset({"0", "0s", "0ms", "0min"})


@rule(
    "SK416",
    "lock-timeout-missing",
    "warning",
    summary="a migration takes ACCESS EXCLUSIVE on an existing table with no lock_timeout (SET, directive or apply's setting)",
    help="`-- sqlkit: lock-timeout=5s` in the file's header (or `SET lock_timeout = '5s'` "
    "before the statement); apply can retry a file that gave up",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    if ctx.settings.statement_lock_timeout:
        return  # apply sets one for every file
    bounded = {file.path for file in ctx.files if file.lock_timeout}
    # in a no-transaction file each statement commits alone: SET LOCAL bounds nothing after it
    autocommit = {file.path for file in ctx.files if file.no_transaction}
    reported: set[str] = set()
    for step, event in existing(ctx, LockRelation):
        path = event.origin.path
        if event.mode != "ACCESS EXCLUSIVE" or path in bounded or path in reported:
            continue
        if step.table_kind == "view":
            continue
        if event.if_exists and not step.known:
            continue  # may not exist at all
        timeout = step.settings.get("lock_timeout")
        if path in autocommit and "lock_timeout:local" in step.settings:
            timeout = None
        if timeout is not None and timeout.strip().lower() not in _ZERO:
            continue
        reported.add(path)
        yield ctx.finding(
            "SK416",
            event.origin,
            f"{event.operation} takes an ACCESS EXCLUSIVE lock on {step.table} with no "
            "lock_timeout: while it waits for running queries, every query on the table "
            "queues behind it",
            "-- sqlkit: lock-timeout=5s in the file's header, or SET lock_timeout = '5s' before "
            "the statement; apply can retry a file that gave up",
            object=step.table,
        )
