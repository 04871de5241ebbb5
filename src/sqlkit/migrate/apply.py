"""Apply, status and repair: one transaction per file, together with its history row."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from sqlkit.config import Settings
from sqlkit.errors import DriftError, InputError, Interrupted, MigrationError
from sqlkit.files import MigrationFile, discover
from sqlkit.migrate.history import (
    HistoryRow,
    acquire_lock,
    ensure_history,
    history_exists,
    latest_successful,
    read_history,
    record,
    release_lock,
)
from sqlkit.migrate.script import ScriptError, run_script
from sqlkit.sql.source import Source
from sqlkit.sql.split import Statement, parse_statements

# Statements Postgres refuses inside a transaction block.
_OUTSIDE_TRANSACTION = {
    "VacuumStmt": "VACUUM",
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "AlterSystemStmt": "ALTER SYSTEM",
    "CreateTableSpaceStmt": "CREATE TABLESPACE",
    "DropTableSpaceStmt": "DROP TABLESPACE",
    "CreateSubscriptionStmt": "CREATE SUBSCRIPTION",
}


@dataclass
class PlanItem:
    file: MigrationFile
    action: str  # "apply" | "reapply" | "skip"


@dataclass
class Plan:
    items: list[PlanItem]
    changed: list[tuple[MigrationFile, HistoryRow]] = field(default_factory=list)
    renamed: list[tuple[MigrationFile, HistoryRow]] = field(default_factory=list)
    missing_locally: list[HistoryRow] = field(default_factory=list)

    @property
    def to_run(self) -> list[PlanItem]:
        return [item for item in self.items if item.action != "skip"]

    def refuse_drift(self) -> None:
        """Applied migrations must be what was applied: a changed or renamed one stops everything."""
        problems = [
            f"{file.display} was applied as {row.applied_as} (rename it back, or run `sqlkit repair` "
            "to record the new name)"
            for file, row in self.renamed
        ]
        if self.changed:
            names = ", ".join(file.display for file, _ in self.changed)
            problems.append(
                f"{names} changed since applied (restore the original, or run `sqlkit repair` "
                "to accept the new checksum)"
            )
        if problems:
            raise DriftError("applied migrations differ from the files: " + "; ".join(problems))


@dataclass
class ApplyResult:
    applied: list[tuple[MigrationFile, int]]  # file, execution ms
    plan: Plan


def transaction_problem(statements: list[Statement]) -> tuple[str, int] | None:
    """A statement that cannot run inside a transaction (what, file offset), if any."""
    for stmt in statements:
        node = stmt.node or {}
        what = _OUTSIDE_TRANSACTION.get(stmt.kind or "")
        if stmt.kind == "VacuumStmt" and not node.get("is_vacuumcmd"):
            what = None  # a bare ANALYZE is fine in a transaction
        if stmt.kind in ("IndexStmt", "DropStmt") and node.get("concurrent"):
            what = (
                "CREATE INDEX CONCURRENTLY"
                if stmt.kind == "IndexStmt"
                else "DROP INDEX CONCURRENTLY"
            )
        if stmt.kind == "ReindexStmt" and "concurrently" in str(node.get("params", "")):
            what = "REINDEX CONCURRENTLY"
        if stmt.kind == "TransactionStmt":
            what = "an explicit transaction statement (BEGIN/COMMIT/ROLLBACK)"
        if what:
            return what, stmt.start
    return None


def check_files(files: list[MigrationFile]) -> dict[Path, tuple[Source, list[Statement]]]:
    """Refuse files that would break the one-transaction-per-file promise.

    Returns each checked file's parsed statements, so that applying it parses nothing again.
    """
    parsed: dict[Path, tuple[Source, list[Statement]]] = {}
    for file in files:
        if file.no_transaction:
            continue
        source = Source(path=file.display, text=file.sql)
        statements = parse_statements(source, kinds=None)
        parsed[file.path] = (source, statements)
        problem = transaction_problem(statements)
        if problem is not None:
            what, offset = problem
            line, _ = source.position(offset)
            if what.startswith("an explicit"):
                hint = "remove it: sqlkit runs each file in its own transaction"
            else:
                hint = "put `-- sqlkit: no-transaction` on the first line of the file (and keep it to that statement)"
            raise InputError(
                f"{file.display}:{line}: {what} cannot run inside a transaction", hint=hint
            )
    return parsed


def make_plan(files: list[MigrationFile], history: list[HistoryRow]) -> Plan:
    latest = latest_successful(history)
    plan = Plan([])
    local_versions: set[int] = set()
    for file in files:
        if file.kind == "versioned":
            number = file.version_number or 0
            local_versions.add(number)
            row = latest.get(("versioned", number))
            if row is None:
                plan.items.append(PlanItem(file, "apply"))
                continue
            if (row.version, row.name) != (file.version, file.name):
                plan.renamed.append((file, row))
            elif row.checksum != file.checksum:
                plan.changed.append((file, row))
            plan.items.append(PlanItem(file, "skip"))
        else:
            row = latest.get(("repeatable", file.name))
            if row is None:
                plan.items.append(PlanItem(file, "apply"))
            elif row.checksum != file.checksum:
                plan.items.append(PlanItem(file, "reapply"))
            else:
                plan.items.append(PlanItem(file, "skip"))
    plan.missing_locally = sorted(
        (
            row
            for key, row in latest.items()
            if key[0] == "versioned" and key[1] not in local_versions
        ),
        key=lambda row: row.key[1],
    )
    return plan


Progress = Callable[[MigrationFile, str, int], None]  # file, "start" | "done", milliseconds

# What a file may leave in its session, reset before the next one: every file starts as
# lint's model assumes, in a fresh session (DISCARD ALL without releasing the migration lock).
RESET_SESSION = (
    "set session authorization default",
    "reset all",
    "deallocate all",
    "close all",
    "unlisten *",
    "discard plans",
    "discard temp",
    "discard sequences",
)


def reset_session(conn: psycopg.Connection) -> None:
    for statement in RESET_SESSION:
        conn.execute(statement)


def apply_files(
    conn: psycopg.Connection,
    settings: Settings,
    *,
    lock_timeout: float = 60.0,
    dry_run: bool = False,
    files: list[MigrationFile] | None = None,
    progress: Progress | None = None,
) -> ApplyResult:
    """Apply what is pending. `conn` must be in autocommit mode; it is left unlocked.

    A dry run computes the same plan and refuses drift the same way, changing nothing.
    """
    files = discover(settings) if files is None else files
    parsed = check_files(files)
    if dry_run:
        plan = make_plan(files, read_history(conn))
        plan.refuse_drift()
        return ApplyResult([], plan)
    conn.prepare_threshold = None  # a migration's DEALLOCATE ALL must not break psycopg's cache
    acquire_lock(conn, lock_timeout)
    applied: list[tuple[MigrationFile, int]] = []
    current: MigrationFile | None = None
    try:
        ensure_history(conn)
        plan = make_plan(files, read_history(conn))
        plan.refuse_drift()
        for item in plan.to_run:
            current = item.file
            if progress:
                progress(item.file, "start", 0)
            reset_session(conn)
            elapsed = _run_file(conn, item.file, parsed.get(item.file.path))
            applied.append((item.file, elapsed))
            current = None
            if progress:
                progress(item.file, "done", elapsed)
        return ApplyResult(applied, plan)
    except KeyboardInterrupt:
        raise Interrupted(_interrupted(applied, current)) from None
    finally:
        if not conn.closed and not conn.broken:
            with contextlib.suppress(psycopg.Error):
                reset_session(conn)
                release_lock(conn)


def _interrupted(applied: list[tuple[MigrationFile, int]], current: MigrationFile | None) -> str:
    done = ", ".join(file.display for file, _ in applied) or "nothing"
    message = f"interrupted: applied {done}"
    if current is not None:
        if current.no_transaction:
            message += (
                f"; {current.display} was stopped part-way (a no-transaction file keeps what ran)"
            )
        else:
            message += f"; nothing of {current.display} was kept"
    return message


def _run_file(
    conn: psycopg.Connection,
    file: MigrationFile,
    parsed: tuple[Source, list[Statement]] | None = None,
) -> int:
    source, statements = parsed or (Source(path=file.display, text=file.sql), None)
    started = time.perf_counter()
    try:
        if file.no_transaction:
            run_script(conn, source, statements)
            elapsed = _record_success(conn, file, started)
        else:
            with conn.transaction():
                run_script(conn, source, statements)
                elapsed = _record_success(conn, file, started)
    except (ScriptError, psycopg.Error) as exc:
        if conn.closed or conn.broken:
            raise MigrationError(
                f"{file.display}: the connection was lost: {exc}",
                hint="nothing of this file was kept; run apply again",
            ) from None
        elapsed = int((time.perf_counter() - started) * 1000)
        with contextlib.suppress(psycopg.Error):
            conn.execute("set session authorization default")
            conn.execute("reset role")
            record(conn, file.kind, file.version, file.name, file.checksum, elapsed, False)
        line = exc.line if isinstance(exc, ScriptError) else 1
        state = (
            f" (SQLSTATE {exc.sqlstate})" if isinstance(exc, ScriptError) and exc.sqlstate else ""
        )
        raise MigrationError(
            f"{file.display}:{line}: {exc}{state}",
            hint=(
                "statements before it in this file were committed (no-transaction file)"
                if file.no_transaction
                else "nothing of this file was kept; earlier files stay applied; fix it and run apply again"
            ),
        ) from None
    return elapsed


def _record_success(conn: psycopg.Connection, file: MigrationFile, started: float) -> int:
    """The history row, written as the connecting role whatever role the file switched to."""
    conn.execute("set session authorization default")
    conn.execute("reset role")
    elapsed = int((time.perf_counter() - started) * 1000)
    record(conn, file.kind, file.version, file.name, file.checksum, elapsed, True)
    return elapsed


@dataclass
class StatusRow:
    kind: str
    version: str | None
    name: str
    state: str  # applied | pending | changed | outdated | missing-locally | failed
    applied_at: str | None
    checksum: str | None


def status(conn: psycopg.Connection, settings: Settings) -> list[StatusRow]:
    files = discover(settings)
    history = read_history(conn)
    plan = make_plan(files, history)
    latest = latest_successful(history)
    failed = {row.key for row in history if not row.success}
    changed = {file.path for file, _ in plan.changed}
    renamed = {file.path for file, _ in plan.renamed}
    rows: list[StatusRow] = []
    for item in plan.items:
        file = item.file
        key: tuple[str, int | str] = (
            ("versioned", file.version_number or 0)
            if file.kind == "versioned"
            else ("repeatable", file.name)
        )
        row = latest.get(key)
        if file.path in renamed:
            state = "renamed"
        elif file.path in changed:
            state = "changed"
        elif item.action == "apply":
            state = "failed" if key in failed else "pending"
        elif item.action == "reapply":
            state = "outdated"
        else:
            state = "applied"
        rows.append(
            StatusRow(
                file.kind,
                file.version,
                file.name,
                state,
                row.applied_at.isoformat(timespec="seconds") if row else None,
                file.checksum,
            )
        )
    for row in plan.missing_locally:
        rows.append(
            StatusRow(
                "versioned",
                row.version,
                row.name,
                "missing-locally",
                row.applied_at.isoformat(timespec="seconds"),
                row.checksum,
            )
        )
    return rows


def repair(
    conn: psycopg.Connection, settings: Settings, *, lock_timeout: float = 60.0
) -> list[str]:
    """Accept the current checksum of changed versioned files; forget failed attempts."""
    files = discover(settings)
    acquire_lock(conn, lock_timeout)
    try:
        if not history_exists(conn):
            return []
        plan = make_plan(files, read_history(conn))
        done: list[str] = []
        with conn.transaction():
            for file, row in plan.renamed:
                conn.execute(
                    "update sqlkit.schema_history set version = %s, name = %s, checksum = %s "
                    "where kind = 'versioned' and version = %s and name = %s",
                    (file.version, file.name, file.checksum, row.version, row.name),
                )
                done.append(f"{file.display}: recorded as the new name of {row.applied_as}")
            for file, row in plan.changed:
                conn.execute(
                    "update sqlkit.schema_history set checksum = %s where id = %s",
                    (file.checksum, row.id),
                )
                done.append(f"{file.display}: checksum {row.checksum[:12]} -> {file.checksum[:12]}")
            cur = conn.execute("delete from sqlkit.schema_history where not success")
            if cur.rowcount:
                done.append(f"removed {cur.rowcount} failed attempt(s) from the history")
        return done
    finally:
        release_lock(conn)
