"""The history table `sqlkit.schema_history` and the advisory lock around apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from sqlkit.errors import SqlkitError

# pg_advisory_lock key: the bytes of "sqlkit" as a bigint
LOCK_KEY = int.from_bytes(b"sqlkit", "big")

CREATE_HISTORY = """
create schema if not exists sqlkit;
create table if not exists sqlkit.schema_history (
  id bigint generated always as identity primary key,
  version text,
  kind text not null check (kind in ('versioned', 'repeatable')),
  name text not null,
  checksum text not null,
  applied_by text not null default current_user,
  applied_at timestamptz not null default now(),
  execution_ms integer not null,
  success boolean not null,
  baselined boolean not null default false
);
create index if not exists schema_history_name_idx on sqlkit.schema_history (kind, name, id);
"""


class LockTimeout(SqlkitError):
    """Another apply holds the migration lock."""


@dataclass(frozen=True)
class HistoryRow:
    id: int
    version: str | None
    kind: str
    name: str
    checksum: str
    applied_by: str
    applied_at: datetime
    execution_ms: int
    success: bool
    baselined: bool = False  # recorded by `sqlkit baseline`, never run by sqlkit

    @property
    def key(self) -> tuple[str, int | str]:
        """What identifies the file: a versioned file's version number, a repeatable's path."""
        if self.kind == "versioned":
            return (self.kind, int(self.version or 0))
        return (self.kind, self.name)

    @property
    def applied_as(self) -> str:
        return f"{self.version}_{self.name}" if self.kind == "versioned" else self.name


# Columns added after the first release, and how an older table gains them. Each is
# metadata-only (a constant default), so the table is never rewritten.
UPGRADES = {
    "baselined": "alter table sqlkit.schema_history "
    "add column if not exists baselined boolean not null default false",
}


def ensure_history(conn: psycopg.Connection) -> None:
    """Create the history table where it is missing (creating needs CREATE on the database)."""
    if not history_exists(conn):
        conn.execute(CREATE_HISTORY.encode())


def history_columns(conn: psycopg.Connection) -> set[str]:
    """The history table's columns (none: no table), from the catalog, which any role may
    read: no privilege on schema sqlkit is needed."""
    rows = conn.execute(
        "select a.attname from pg_catalog.pg_attribute a "
        "join pg_catalog.pg_class c on c.oid = a.attrelid "
        "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'sqlkit' and c.relname = 'schema_history' "
        "and a.attnum > 0 and not a.attisdropped"
    ).fetchall()
    return {row[0] for row in rows}


def history_exists(conn: psycopg.Connection) -> bool:
    return bool(history_columns(conn))


def upgrade_history(conn: psycopg.Connection) -> list[str]:
    """Bring a history table of an older sqlkit to the current shape; the columns added.

    Needs ownership of the table (or of schema sqlkit's objects); run under the migration
    lock so no apply writes meanwhile. Databases that are never baselined keep the old shape:
    every reader accepts both.
    """
    missing = [name for name in UPGRADES if name not in history_columns(conn)]
    if missing:
        with conn.transaction():
            conn.execute("set local lock_timeout = '10s'")
            for name in missing:
                conn.execute(UPGRADES[name])
    return missing


def read_history(conn: psycopg.Connection) -> list[HistoryRow]:
    columns = history_columns(conn)
    if not columns:
        return []
    baselined = "baselined" if "baselined" in columns else "false"
    rows = conn.execute(
        "select id, version, kind, name, checksum, applied_by, applied_at, execution_ms, success, "
        f"{baselined} from sqlkit.schema_history order by id"
    ).fetchall()
    return [HistoryRow(*row) for row in rows]


def latest_successful(rows: list[HistoryRow]) -> dict[tuple[str, int | str], HistoryRow]:
    """The last successful row per file (see `HistoryRow.key`)."""
    return {row.key: row for row in rows if row.success}


def acquire_lock(conn: psycopg.Connection, timeout_s: float) -> None:
    """Session advisory lock, waiting at most `timeout_s` (0: wait forever)."""
    conn.execute(f"set lock_timeout = {int(timeout_s * 1000)}")
    try:
        conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        raise LockTimeout(
            f"another sqlkit apply holds the migration lock (waited {timeout_s:g}s)",
            hint="wait for it to finish, or raise --lock-timeout",
        ) from None
    finally:
        conn.execute("set lock_timeout = 0")


def release_lock(conn: psycopg.Connection) -> None:
    if not conn.closed:
        conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))


def record(
    conn: psycopg.Connection,
    kind: str,
    version: str | None,
    name: str,
    checksum: str,
    execution_ms: int,
    success: bool,
) -> None:
    conn.execute(
        "insert into sqlkit.schema_history (version, kind, name, checksum, execution_ms, success) "
        "values (%s, %s, %s, %s, %s, %s)",
        (version, kind, name, checksum, execution_ms, success),
    )
