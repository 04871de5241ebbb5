"""Apply, status and repair: one transaction per file, together with its history row."""

from __future__ import annotations

import contextlib
import threading
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
from sqlkit.migrate.script import (
    ScriptError,
    describe,
    quote_literal,
    rollback,
    run_files_in_one_round_trip,
    run_in_one_round_trip,
    run_script,
)
from sqlkit.sql.source import Source
from sqlkit.sql.split import Statement, parse_statements
from sqlkit.sql.transaction import KINDS as TRANSACTION_KINDS
from sqlkit.sql.transaction import refused_in_transaction

# Statement kinds whose parse tree `transaction_problem` reads; others are only located.
_CHECKED_KINDS = frozenset({*TRANSACTION_KINDS, "TransactionStmt", "CopyStmt"})


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
        what = refused_in_transaction(stmt.kind, node)
        if stmt.kind == "TransactionStmt":
            what = "an explicit transaction statement (BEGIN/COMMIT/ROLLBACK)"
        if stmt.kind == "CopyStmt" and not node.get("filename") and not node.get("is_program"):
            what = "COPY FROM STDIN / TO STDOUT"
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
        statements = parse_statements(source, kinds=_CHECKED_KINDS)
        parsed[file.path] = (source, statements)
        problem = transaction_problem(statements)
        if problem is not None:
            what, offset = problem
            line, _ = source.position(offset)
            message = f"{what} cannot run inside a transaction"
            if what.startswith("an explicit"):
                hint = "remove it: sqlkit runs each file in its own transaction"
            elif what.startswith("COPY"):
                message = f"{what} needs psql's data stream; sqlkit runs SQL only"
                hint = "load data with INSERT, or COPY from a file the server can read"
            else:
                hint = "put `-- sqlkit: no-transaction` on the first line of the file (and keep it to that statement)"
            raise InputError(f"{file.display}:{line}: {message}", hint=hint)
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


Progress = Callable[[MigrationFile, str, int], None]
"""Called with (file, "start" | "done" | "retry", milliseconds): at a file's start, when it
committed (how long it took), and before a retry (how long apply waits first)."""

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
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired, or NOWAIT found the lock taken
MAX_RETRY_DELAY = 60.0


def reset_session(conn: psycopg.Connection) -> None:
    conn.execute(";\n".join(RESET_SESSION).encode())  # one round trip


@dataclass(frozen=True)
class Guardrails:
    """What keeps a migration from taking production down while it runs.

    `lock_timeout` and `statement_timeout` (seconds; None leaves the role's or database's
    own setting, 0 means no limit) are set for every file after its session reset, inside its
    transaction (SET LOCAL); a file's `-- sqlkit: lock-timeout=` / `statement-timeout=`
    directive overrides them for that file. A transactional file that gave up waiting for a
    lock is retried `lock_retries` times, after `retry_delay` seconds, doubling each time.
    """

    lock_timeout: float | None = None
    statement_timeout: float | None = None
    lock_retries: int = 0
    retry_delay: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Guardrails:
        return cls(
            settings.statement_lock_timeout,
            settings.statement_timeout,
            settings.lock_retries,
            settings.lock_retry_delay,
        )

    def set_statements(self, file: MigrationFile, *, local: bool) -> list[str]:
        """The SET statements of `file`'s timeouts (its directives first, then the run's)."""
        scope = "local " if local else ""
        out = []
        for name, value in (
            ("lock_timeout", _first(file.lock_timeout, self.lock_timeout)),
            ("statement_timeout", _first(file.statement_timeout, self.statement_timeout)),
        ):
            if value is not None:
                out.append(f"set {scope}{name} = {max(round(value * 1000), 1) if value else 0}")
        return out

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        return float(min(self.retry_delay * 2 ** (retry - 1), MAX_RETRY_DELAY))


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)


def apply_files(
    conn: psycopg.Connection,
    settings: Settings,
    *,
    lock_timeout: float = 60.0,
    dry_run: bool = False,
    files: list[MigrationFile] | None = None,
    progress: Progress | None = None,
    guardrails: Guardrails | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    stop: threading.Event | None = None,
    one_round_trip: bool = True,
    parsed: dict[Path, tuple[Source, list[Statement]]] | None = None,
    files_per_round_trip: int = 1,
) -> ApplyResult:
    """Apply what is pending. `conn` must be in autocommit mode; it is left unlocked.

    A dry run computes the same plan and refuses drift the same way, changing nothing.
    `guardrails` default to none but the files' own directives (what `build` wants; `sqlkit
    apply` passes the configured ones). `stop`, when set from another thread, ends the run
    at the next file boundary or retry wait as an interruption (fleets). `one_round_trip`
    false runs a transactional file statement by statement (how sqlkit did it before; kept
    for measuring). `parsed` is `check_files(files)` done already (one check for a fleet).
    `files_per_round_trip` above 1 sends that many transactional files (each in its own
    transaction, with its history row) in one query where nothing watches file by file (no
    `progress`, `stop` or lock retries): what a scratch build wants. A file that fails there
    was rolled back, and runs again on its own to be reported as one file is.
    """
    files = discover(settings) if files is None else files
    guardrails = guardrails or Guardrails()
    parsed = check_files(files) if parsed is None else parsed
    if dry_run:
        plan = make_plan(files, read_history(conn))
        plan.refuse_drift()
        return ApplyResult([], plan)
    conn.prepare_threshold = None  # a migration's DEALLOCATE ALL must not break psycopg's cache
    acquire_lock(conn, lock_timeout)
    applied: list[tuple[MigrationFile, int]] = []
    current: MigrationFile | None = None
    together: list[MigrationFile] = []  # files being applied in one query
    try:
        ensure_history(conn)
        plan = make_plan(files, read_history(conn))
        plan.refuse_drift()
        if on_plan:
            on_plan(plan)
        runner = _FileRunner(conn, guardrails, progress, stop, one_round_trip)
        batched = files_per_round_trip > 1 and one_round_trip and runner.unwatched
        items = plan.to_run
        index = 0
        while index < len(items):
            batch = _batch(items, index, parsed, files_per_round_trip) if batched else []
            if len(batch) > 1:
                together = batch
                done = runner.run_batch(batch, parsed)
                applied.extend(done)
                index += len(done)
                together = []
                if len(done) == len(batch):
                    continue
            item = items[index]
            index += 1
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
            current = item.file
            if progress:
                progress(item.file, "start", 0)
            elapsed = runner.run(item.file, parsed.get(item.file.path))
            applied.append((item.file, elapsed))
            current = None
            if progress:
                progress(item.file, "done", elapsed)
        return ApplyResult(applied, plan)
    except KeyboardInterrupt:
        raise Interrupted(_interrupted(applied, current, together)) from None
    finally:
        if not conn.closed and not conn.broken:
            with contextlib.suppress(psycopg.Error):
                rollback(conn)
                reset_session(conn)
                release_lock(conn)


_BATCH_CHARS = 1_000_000  # of SQL in one query, at most


def _batch(
    items: list[PlanItem],
    index: int,
    parsed: dict[Path, tuple[Source, list[Statement]]],
    limit: int,
) -> list[MigrationFile]:
    """The files from `index` on that may go in one query: transactional, and parsed whole
    (a file with a statement the parser rejected may end inside a quote or a comment)."""
    batch: list[MigrationFile] = []
    size = 0
    for item in items[index : index + limit]:
        file = item.file
        checked = parsed.get(file.path)
        if file.no_transaction or checked is None:
            break
        if any(stmt.error is not None or stmt.kind is None for stmt in checked[1]):
            break
        size += len(file.sql)
        if batch and size > _BATCH_CHARS:
            break
        batch.append(file)
    return batch


def _interrupted(
    applied: list[tuple[MigrationFile, int]],
    current: MigrationFile | None,
    together: list[MigrationFile],
) -> str:
    done = ", ".join(file.display for file, _ in applied) or "nothing"
    message = f"interrupted: applied {done}"
    if together:
        message += (
            f"; of {together[0].display} to {together[-1].display}, sent together (each file "
            "in its own transaction), those the server committed before it stopped stay applied"
        )
    if current is not None:
        if current.no_transaction:
            message += (
                f"; {current.display} was stopped part-way (a no-transaction file keeps what ran)"
            )
        else:
            message += f"; nothing of {current.display} was kept"
    return message


@dataclass
class _FileRunner:
    """Runs one file at a time in a fresh session, with its guard rails and its history row."""

    conn: psycopg.Connection
    guardrails: Guardrails
    progress: Progress | None
    stop: threading.Event | None
    one_round_trip: bool

    def run(self, file: MigrationFile, parsed: tuple[Source, list[Statement]] | None) -> int:
        """Apply `file`; the milliseconds it took. A failure is a `MigrationError`, recorded."""
        source, statements = parsed or (Source(path=file.display, text=file.sql), None)
        attempt = 1
        while True:
            started = time.perf_counter()
            try:
                if file.no_transaction or statements is None:
                    self._run_without_transaction(file, source)
                elif self.one_round_trip:
                    self._run_in_one_round_trip(file, source, statements)
                else:
                    self._run_step_by_step(file, source, statements)
                return int((time.perf_counter() - started) * 1000)
            except (ScriptError, psycopg.Error) as exc:
                if self.stop is not None and self.stop.is_set():
                    raise KeyboardInterrupt from None  # cancelled by the stop: an interruption
                if self.conn.closed or self.conn.broken:
                    raise MigrationError(
                        f"{file.display}: the connection was lost: {exc}",
                        hint="nothing of this file was kept; run apply again",
                    ) from None
                if not isinstance(exc, ScriptError):
                    if exc.sqlstate == "42501":
                        raise  # sqlkit's own statement was refused: the GRANT that fixes it
                    raise MigrationError(
                        f"{file.display}: recording it in sqlkit.schema_history failed: "
                        f"{describe(exc)}",
                        hint="nothing of this file was kept",
                    ) from None
                gave_up_on_lock = exc.sqlstate == LOCK_NOT_AVAILABLE
                retry = gave_up_on_lock and not file.no_transaction
                if retry and attempt <= self.guardrails.lock_retries:
                    self._wait_before_retry(file, self.guardrails.delay(attempt))
                    attempt += 1
                    continue
                elapsed = int((time.perf_counter() - started) * 1000)
                self._record_failure(file, elapsed)
                raise MigrationError(
                    f"{file.display}:{exc.line}: {exc} (SQLSTATE {exc.sqlstate})"
                    if exc.sqlstate
                    else f"{file.display}:{exc.line}: {exc}",
                    hint=self._failure_hint(file, gave_up_on_lock, attempt),
                ) from None

    @property
    def unwatched(self) -> bool:
        """Nothing acts between one file and the next: no progress, stop or lock retries."""
        return self.progress is None and self.stop is None and not self.guardrails.lock_retries

    def run_batch(
        self, files: list[MigrationFile], parsed: dict[Path, tuple[Source, list[Statement]]]
    ) -> list[tuple[MigrationFile, int]]:
        """`files` in one query, each as `_run_in_one_round_trip` runs it: those that
        committed, from the first, each with its share of the milliseconds."""
        started = time.perf_counter()
        committed = run_files_in_one_round_trip(
            self.conn,
            [(*parsed[file.path], self._before(file), self._after(file)) for file in files],
        )
        elapsed = int((time.perf_counter() - started) * 1000 / len(files))
        return [(file, elapsed) for file in files[:committed]]

    def _run_in_one_round_trip(
        self, file: MigrationFile, source: Source, statements: list[Statement]
    ) -> None:
        run_in_one_round_trip(
            self.conn, source, statements, before=self._before(file), after=self._after(file)
        )

    def _before(self, file: MigrationFile) -> list[str]:
        return [*RESET_SESSION, *self.guardrails.set_statements(file, local=True)]

    def _after(self, file: MigrationFile) -> list[str]:
        """The history row, written as the connecting role whatever the file switched to;
        names are qualified (the file may have changed search_path), the literals escaped by
        libpq (E'' where needed, whatever standard_conforming_strings says)."""
        values = ", ".join(
            quote_literal(self.conn, v) for v in (file.version, file.kind, file.name, file.checksum)
        )
        return [
            "set session authorization default",
            "reset role",
            "insert into sqlkit.schema_history (version, kind, name, checksum, execution_ms, "
            f"success) values ({values}, (extract(epoch from pg_catalog.clock_timestamp() "
            "operator(pg_catalog.-) pg_catalog.now()) operator(pg_catalog.*) 1000)::integer, "
            "true)",
        ]

    def _run_step_by_step(
        self, file: MigrationFile, source: Source, statements: list[Statement]
    ) -> None:
        reset_session(self.conn)
        started = time.perf_counter()
        with self.conn.transaction():
            for statement in self.guardrails.set_statements(file, local=True):
                self.conn.execute(statement.encode())
            run_script(self.conn, source, statements)
            self._record(file, started, True)

    def _run_without_transaction(self, file: MigrationFile, source: Source) -> None:
        reset_session(self.conn)
        started = time.perf_counter()
        for statement in self.guardrails.set_statements(file, local=False):
            self.conn.execute(statement.encode())
        run_script(self.conn, source)
        self._record(file, started, True)

    def _record(self, file: MigrationFile, started: float, success: bool) -> None:
        """The history row, written as the connecting role whatever role the file switched to."""
        self.conn.execute("set session authorization default")
        self.conn.execute("reset role")
        elapsed = int((time.perf_counter() - started) * 1000)
        record(self.conn, file.kind, file.version, file.name, file.checksum, elapsed, success)

    def _record_failure(self, file: MigrationFile, elapsed: int) -> None:
        with contextlib.suppress(psycopg.Error):
            rollback(self.conn)
            self.conn.execute("set session authorization default")
            self.conn.execute("reset role")
            record(self.conn, file.kind, file.version, file.name, file.checksum, elapsed, False)

    def _wait_before_retry(self, file: MigrationFile, seconds: float) -> None:
        if self.progress:
            self.progress(file, "retry", int(seconds * 1000))
        if self.stop is not None:
            if self.stop.wait(seconds):
                raise KeyboardInterrupt
        else:
            time.sleep(seconds)
        if self.stop is not None and self.stop.is_set():
            raise KeyboardInterrupt

    def _failure_hint(self, file: MigrationFile, gave_up_on_lock: bool, attempts: int) -> str:
        if file.no_transaction:
            return "statements before it in this file were committed (no-transaction file)"
        kept = "nothing of this file was kept; earlier files stay applied"
        if not gave_up_on_lock:
            return f"{kept}; fix it and run apply again"
        if attempts > 1:
            return f"{kept}; it gave up waiting for a lock {attempts} times: run apply again later"
        return (
            f"{kept}; it gave up waiting for a lock, the safe outcome: run apply again later, "
            "or let apply retry such a file with --lock-retries N"
        )


@dataclass
class StatusRow:
    kind: str
    version: str | None
    name: str
    state: str  # applied | pending | changed | outdated | missing-locally | failed
    applied_at: str | None
    checksum: str | None
    baselined: bool = False  # recorded by `sqlkit baseline`, not run by sqlkit


def status(
    conn: psycopg.Connection, settings: Settings, files: list[MigrationFile] | None = None
) -> list[StatusRow]:
    files = discover(settings) if files is None else files
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
                bool(row and row.baselined and state == "applied"),
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
                row.baselined,
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
