"""Fleets: one migration set applied to many databases, each with its own lock and history.

A targets file names the databases (`read_targets`); `run_fleet` works on K of them at a
time in threads (the time goes to waiting on servers, not to Python), and never lets one
target's failure stop the others unless asked (`fail_fast`). What happened to each target
is a `TargetRun`: live while it runs (for a progress table), the report when it is done.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlkit.engines.base import mask_dsn, mask_secrets, parse_dsn
from sqlkit.errors import InputError, Interrupted, SqlkitError, database_error

if TYPE_CHECKING:
    import psycopg

    from sqlkit.config import Settings
    from sqlkit.files import MigrationFile
    from sqlkit.migrate.apply import Guardrails, Plan, StatusRow

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_PARALLEL = 64


@dataclass(frozen=True)
class Target:
    """One database of the fleet. `dsn` may hold a password: print `database`, never `dsn`."""

    name: str
    dsn: str
    database: str  # the DSN as it may be printed

    def mask(self, message: str) -> str:
        """`message` on one line, anything password-like hidden, this target's password too."""
        message = mask_secrets(" ".join(message.split()))
        password = parse_dsn(self.dsn).password
        return message.replace(password, "***") if password else message


# ----------------------------------------------------------------------------- targets
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_NAMED_URL = re.compile(rf"^({_NAME})\s*=\s*(postgres(?:ql)?://\S+)$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def read_targets(path: Path) -> list[Target]:
    """The targets of a file: a TOML table of `name = "dsn"` (at the top level or under
    `[targets]`), or lines of `dsn` or `name = postgresql://...`; `#` starts a comment line.
    `${VAR}` in a DSN is replaced by the environment variable, so the file can live in git
    and the passwords in CI secrets."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"--targets {path}: {exc.strerror}", hint="give a file of DSNs, one per line"
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"--targets {path}: not UTF-8 text") from None
    return parse_targets(text, str(path))


def parse_targets(text: str, where: str) -> list[Target]:
    try:
        data: dict[str, Any] | None = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = None
    named: list[tuple[str | None, str, str]] = []  # name, dsn, where it was written
    if data:
        table = data.get("targets", data)
        if not isinstance(table, dict):
            raise InputError(f'{where}: `targets` must be a table of name = "dsn"')
        for name, value in table.items():
            dsn = value.get("dsn") if isinstance(value, dict) else value
            if not isinstance(dsn, str):
                raise InputError(
                    f"{where}: target {name!r} must be a DSN string (or a table with `dsn`)"
                )
            named.append((str(name), dsn, f"{where}: target {name}"))
    else:
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            match = _NAMED_URL.match(line)
            name, dsn = (match.group(1), match.group(2)) if match else (None, line)
            named.append((name, dsn, f"{where}:{number}"))
    if not named:
        raise InputError(
            f"{where}: no targets in the file",
            hint="one DSN per line, or `name = postgresql://...`, or a TOML table",
        )
    targets = [_target(name, _expand(dsn, at), at) for name, dsn, at in named]
    return _unique(_named(targets), where)


def _expand(dsn: str, where: str) -> str:
    def value(match: re.Match[str]) -> str:
        found = os.environ.get(match.group(1))
        if found is None:
            raise InputError(
                f"{where}: ${{{match.group(1)}}} is not set",
                hint="export the variable (e.g. from a CI secret) before running sqlkit",
            )
        return found

    return _ENV.sub(value, dsn)


def _target(name: str | None, dsn: str, where: str) -> Target:
    try:
        server = parse_dsn(dsn)
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}", hint=exc.hint) from None
    return Target(name or "", dsn, server.url(with_password=False))


def _named(targets: list[Target]) -> list[Target]:
    """Unnamed targets are called by their database name, or name@host:port where the
    database name alone is ambiguous."""
    unnamed = [parse_dsn(t.dsn) for t in targets if not t.name]
    counts: dict[str, int] = {}
    for server in unnamed:
        counts[server.dbname] = counts.get(server.dbname, 0) + 1
    out = []
    for target in targets:
        if not target.name:
            server = parse_dsn(target.dsn)
            host = server.host.rsplit("/", 1)[-1] if server.host.startswith("/") else server.host
            name = server.dbname
            if counts[name] > 1:
                name = f"{server.dbname}@{host}:{server.ports or server.port}"
            target = Target(name, target.dsn, target.database)
        out.append(target)
    return out


def _unique(targets: list[Target], where: str) -> list[Target]:
    names: set[str] = set()
    databases: dict[tuple[str, str, str], str] = {}
    for target in targets:
        if target.name in names:
            raise InputError(f"{where}: two targets are called {target.name!r}")
        names.add(target.name)
        server = parse_dsn(target.dsn)
        key = (server.host, server.ports or str(server.port), server.dbname)
        if key in databases:
            raise InputError(
                f"{where}: {target.name} and {databases[key]} are the same database "
                f"({mask_dsn(target.database)})",
                hint="list each database once",
            )
        databases[key] = target.name
    return targets


# ------------------------------------------------------------------------------ running
@dataclass
class TargetRun:
    """One target's state while the fleet runs, and its outcome when it is done."""

    target: Target
    state: str = "waiting"  # waiting | running | done states in FINAL_STATES
    current: str | None = None  # the file being applied
    applied: list[str] = field(default_factory=list)
    to_run: int | None = None  # files the plan had for this target
    error: str | None = None
    failed_file: str | None = None
    started: float | None = None
    finished: float | None = None
    status: list[StatusRow] | None = None  # for `status --targets`

    @property
    def seconds(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.perf_counter()) - self.started

    @property
    def failed(self) -> bool:
        return self.state in ("failed", "interrupted", "drift")


FINAL_STATES = ("applied", "up to date", "pending", "drift", "failed", "skipped", "interrupted")


@dataclass
class FleetResult:
    runs: list[TargetRun]
    interrupted: bool = False

    @property
    def failed(self) -> list[TargetRun]:
        return [run for run in self.runs if run.failed]

    def count(self, state: str) -> int:
        return sum(run.state == state for run in self.runs)


class _Control:
    """What the threads share: the stop flag and the connections a stop must cancel."""

    def __init__(self) -> None:
        self.stop = threading.Event()  # Ctrl-C: stop everything now
        self.no_new_targets = threading.Event()  # --fail-fast: finish what runs, start nothing
        self._lock = threading.Lock()
        self._connections: set[psycopg.Connection] = set()

    @contextlib.contextmanager
    def watching(self, conn: psycopg.Connection) -> Iterator[None]:
        with self._lock:
            self._connections.add(conn)
        try:
            yield
        finally:
            with self._lock:
                self._connections.discard(conn)

    def cancel_all(self) -> None:
        self.stop.set()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(Exception):
                cancel = getattr(conn, "cancel_safe", None) or conn.cancel
                cancel()


Work = Callable[[TargetRun, _Control], str]  # does one target; returns its final state


def run_fleet(
    targets: list[Target],
    work: Work,
    *,
    parallel: int = 1,
    fail_fast: bool = False,
    on_change: Callable[[TargetRun], None] | None = None,
) -> FleetResult:
    """`work` on every target, `parallel` at a time, in the targets' order.

    A target's failure is its own: it is recorded and the others go on, unless `fail_fast`,
    which starts no new target after a failure (those running finish). Ctrl-C (or SIGTERM)
    cancels the running statements — their files roll back — and starts nothing more.
    """
    if not 1 <= parallel <= MAX_PARALLEL:
        raise InputError(f"--parallel must be from 1 to {MAX_PARALLEL}, got {parallel}")
    runs = [TargetRun(target) for target in targets]
    control = _Control()
    changed = on_change or (lambda run: None)

    def one(run: TargetRun) -> None:
        if control.stop.is_set() or control.no_new_targets.is_set():
            run.state = "skipped"  # never started: nothing of it ran
            changed(run)
            return
        run.state, run.started = "running", time.perf_counter()
        changed(run)
        try:
            run.state = work(run, control)
        except Interrupted as exc:
            run.state, run.error = "interrupted", run.target.mask(exc.message)
        except Exception as exc:  # one target's failure, whatever it is, is that target's
            run.state, run.error = "failed", run.target.mask(_message(exc))
            if control.stop.is_set():
                run.state = "interrupted"
        finally:
            run.finished = time.perf_counter()
            if run.state in ("failed", "interrupted") and run.current:
                run.failed_file = run.current
            run.current = None
        if run.failed and fail_fast:
            control.no_new_targets.set()
        changed(run)

    interrupted = False
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="sqlkit-fleet") as pool:
        futures = [pool.submit(one, run) for run in runs]
        try:
            for future in futures:
                future.result()
        except KeyboardInterrupt:
            interrupted = True
            control.cancel_all()
            for future in futures:
                future.result()
    return FleetResult(runs, interrupted)


def _message(exc: Exception) -> str:
    if isinstance(exc, SqlkitError):
        return f"{exc.message} — {exc.hint}" if exc.hint else exc.message
    known = database_error(exc)
    if known is not None:
        return known.message
    return f"internal error: {exc!r} (a bug in sqlkit; please report it)"


# ---------------------------------------------------------------------- apply and status
def apply_fleet(
    targets: list[Target],
    settings: Settings,
    *,
    parallel: int = 1,
    fail_fast: bool = False,
    dry_run: bool = False,
    shim: bool = False,
    lock_timeout: float = 60.0,
    guardrails: Guardrails | None = None,
    on_change: Callable[[TargetRun], None] | None = None,
) -> FleetResult:
    """The project's migrations on every target: each target has its own lock and history,
    and the files are read and checked once, before any target is touched."""
    from sqlkit.engines.shim import install_shim
    from sqlkit.files import discover
    from sqlkit.migrate.apply import apply_files, check_files

    files = discover(settings)
    parsed = check_files(files)
    changed = on_change or (lambda run: None)

    def work(run: TargetRun, control: _Control) -> str:
        def progress(file: MigrationFile, state: str, ms: int) -> None:
            if state == "start":
                run.current = file.display
            elif state == "done":
                run.applied.append(file.display)
                run.current = None
            changed(run)

        def planned(plan: Plan) -> None:
            run.to_run = len(plan.to_run)
            changed(run)

        server = parse_dsn(run.target.dsn)
        with server.session() as conn, control.watching(conn):
            if shim and not dry_run:
                install_shim(conn, settings.target, settings.exposed_schemas)
            result = apply_files(
                conn,
                settings,
                files=files,
                parsed=parsed,
                dry_run=dry_run,
                lock_timeout=lock_timeout,
                guardrails=guardrails,
                progress=progress,
                on_plan=planned,
                stop=control.stop,
            )
        if dry_run:
            run.to_run = len(result.plan.to_run)
            return "pending" if result.plan.to_run else "up to date"
        return "applied" if result.applied else "up to date"

    return run_fleet(targets, work, parallel=parallel, fail_fast=fail_fast, on_change=on_change)


def status_fleet(
    targets: list[Target],
    settings: Settings,
    *,
    parallel: int = 1,
    on_change: Callable[[TargetRun], None] | None = None,
) -> FleetResult:
    """`status` of every target: up to date, pending, drift (an applied file changed or was
    renamed), or failed (could not be read)."""
    from sqlkit.files import discover
    from sqlkit.migrate.apply import status

    files = discover(settings)

    def work(run: TargetRun, control: _Control) -> str:
        with parse_dsn(run.target.dsn).session() as conn, control.watching(conn):
            rows = status(conn, settings, files)
        run.status = rows
        if any(row.state in ("changed", "renamed") for row in rows):
            return "drift"
        if any(row.state in ("pending", "outdated", "failed") for row in rows):
            return "pending"
        return "up to date"

    return run_fleet(targets, work, parallel=parallel, on_change=on_change)
