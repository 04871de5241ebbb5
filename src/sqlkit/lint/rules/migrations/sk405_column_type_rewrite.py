"""
## What it does
Reports `ALTER COLUMN ... TYPE` on a table that existed before the migration when PostgreSQL
rewrites the table for it. It knows the column's current type from the replayed project and
stays quiet for the changes PostgreSQL 12+ makes in the catalog only (each is checked against
`pg_class.relfilenode` in a test):

- `varchar(n)` to `varchar(m)` with `m >= n`, to `varchar` or to `text`; `text` to `varchar`;
- `numeric(p, s)` to `numeric(q, s)` with `q >= p`, or to `numeric`;
- `timestamp(p)`, `timestamptz(p)`, `time(p)`, `interval(p)` to a larger or no precision;
- `timestamp` to `timestamptz` and back when the session's `TimeZone` is UTC: set earlier in
  the file, else the database's, which the option `database_timezone` names (default `UTC`,
  Supabase's and most servers');
- `varbit(n)` to a larger or no length; `cidr` to `inet`; `text`/`varchar` to `citext` and
  back (the extension's binary casts); the same type.

A `USING` expression other than the column itself (or the column cast to the new type) always
rewrites. When the table is not part
of the project (sqlkit cannot see the column's type), it reports the change as a likely rewrite.
Squawk's `changing-column-type` reports every type change, also the ones above.

## Why is this bad?
A rewrite copies every row into a new file and rebuilds every index while holding an
`ACCESS EXCLUSIVE` lock: no one can read or write the table until it is done — the classic
`integer` to `bigint` change of a primary key takes a large table offline for minutes.

## Example
```sql
alter table public.orders alter column id type bigint;
```

## Use instead
```sql
-- 1: a new column, filled by a trigger for new rows
alter table public.orders add column id_new bigint;
-- 2 (later files): backfill in batches, then in one short transaction swap the names:
-- update public.orders set id_new = id where id between 1 and 10000;
-- alter table public.orders rename column id to id_old;
-- alter table public.orders rename column id_new to id;
```

## References
- [PostgreSQL: ALTER TABLE, notes on rewrites](https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES)
- [PostgreSQL 12 release notes: timestamp to timestamptz without a rewrite](https://www.postgresql.org/docs/release/12.0/)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import RuleOption, rule
from sqlkit.lint.rules.migrations.common import column_name, existing, sql_name
from sqlkit.model.events import AlterColumn
from sqlkit.sql.tree import type_name
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Step

# types whose length or precision PostgreSQL widens in the catalog only (a support function
# turns the length coercion into a relabel when the new typmod is no smaller)
_WIDENABLE = frozenset({"varchar", "varbit", "timestamp", "timestamptz", "time", "interval"})
# (from, to) pairs that are binary-coercible: no expression, no rewrite
_BINARY = frozenset(
    {
        ("varchar", "text"),
        ("text", "varchar"),
        ("cidr", "inet"),
        # the citext extension's casts WITHOUT FUNCTION (in whichever schema it is installed)
        ("text", "citext"),
        ("varchar", "citext"),
        ("citext", "text"),
        ("citext", "varchar"),
    }
)
_TIMESTAMPS = frozenset({("timestamp", "timestamptz"), ("timestamptz", "timestamp")})
# time zones with a UTC offset of zero all year: timestamp <-> timestamptz is then a relabel
_UTC = frozenset({"utc", "etc/utc", "gmt", "etc/gmt", "uct", "zulu", "universal", "etc/universal"})
_MODIFIERS = re.compile(r"\(([^)]*)\)")


def _modifiers(written: str) -> tuple[int, ...]:
    match = _MODIFIERS.search(written)
    if match is None:
        return ()
    try:
        return tuple(int(part) for part in match.group(1).split(","))
    except ValueError:
        return (-1,)  # not numbers: nothing is claimed about it


def _widens(name: str, old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """Is `old` -> `new` a typmod change PostgreSQL makes without touching the rows?"""
    if not new or old == new:
        return True  # no limit, or the same one
    if not old or -1 in old or -1 in new:
        return False  # a limit where there was none is checked row by row
    if name == "numeric":
        scale_old = old[1] if len(old) > 1 else 0
        scale_new = new[1] if len(new) > 1 else 0
        return new[0] >= old[0] and scale_new == scale_old
    return name in _WIDENABLE and new[0] >= old[0]


DATABASE_TIMEZONE = RuleOption(
    "database_timezone",
    ("UTC",),
    "the TimeZone migrations run with when a file does not SET it (the database's or role's)",
)


def _bare(name: str) -> str:
    """An extension's type without its schema (`extensions.citext`): what _BINARY names."""
    return name.rpartition(".")[2] if name.endswith(".citext") else name


def _plain_using(event: AlterColumn) -> bool:
    """Is USING the column itself, or the column cast to the new type without a modifier —
    the same as no USING (`using "name"::text` of `type text`)?"""
    node = event.using or {}
    cast = node.get("TypeCast")
    if cast is not None:
        target = cast.get("typeName") or {}
        if target.get("typmods") or type_name(target) != event.type_name:
            return False
        if _modifiers(event.type or ""):
            return False  # cast to the unlimited type, then checked against the limit
        node = cast.get("arg") or {}
    fields = node.get("ColumnRef", {}).get("fields") or []
    names = [f.get("String", {}).get("sval") for f in fields]
    return bool(names) and names[-1] == event.column


def rewrite_reason(step: Step, event: AlterColumn, timezone: str) -> str | None:
    """Why the change rewrites the table, or None when PostgreSQL changes the catalog only."""
    column = step.column
    if column is None:
        return "sqlkit does not see the column's current type, so it may rewrite the table"
    if event.using is not None and not _plain_using(event):
        return "a USING expression computes every row again"
    old, new = _bare(column.type_name), _bare(event.type_name or "")
    change = f"{column.type} to {event.type}"
    if old.endswith("[]") or new.endswith("[]"):
        return (
            None if old == new and column.type == event.type else f"{change} is computed row by row"
        )
    old_mods, new_mods = _modifiers(column.type), _modifiers(event.type or "")
    if old == new:
        return (
            None if _widens(old, old_mods, new_mods) else f"{change} checks or converts every row"
        )
    if (old, new) in _BINARY:
        return (
            None
            if not new_mods or (old_mods and _widens(new, old_mods, new_mods))
            else (f"{change} checks every row's length")
        )
    if (old, new) in _TIMESTAMPS:
        zone = step.settings.get("timezone", timezone).lower()
        if zone in _UTC and _widens(new, old_mods, new_mods):
            return None
        return f"{change} converts every row in time zone `{zone}` (no rewrite in UTC)"
    return f"{change} is not binary-coercible"


@rule(
    "SK405",
    "column-type-rewrite",
    "warning",
    summary="ALTER COLUMN ... TYPE that rewrites an existing table (not a binary-coercible change)",
    help="add a column of the new type, fill it in batches (and a trigger for new rows), then "
    "swap the names in one short transaction",
    options=(DATABASE_TIMEZONE,),
)
def check(ctx: LintContext) -> Iterator[Finding]:
    options = ctx.settings.option(DATABASE_TIMEZONE.name)
    timezone = options[0] if options else "UTC"
    for step, event in existing(ctx, AlterColumn):
        if event.type is None:
            continue
        if step.known and step.column is None:
            continue  # the project has no such column: PostgreSQL would refuse the statement
        reason = rewrite_reason(step, event, timezone)
        if reason is None:
            continue
        yield ctx.finding(
            "SK405",
            event.origin,
            f"ALTER COLUMN {column_name(step, event.column)} TYPE {event.type} rewrites "
            f"{step.table} under an ACCESS EXCLUSIVE lock: {reason}",
            f"ALTER TABLE {sql_name(step.table)} ADD COLUMN {quote_ident(event.column + '_new')} "
            f"{event.type}; fill it in batches (a trigger for new rows), then swap the names "
            "with RENAME COLUMN in one short transaction",
            object=step.table,
        )
