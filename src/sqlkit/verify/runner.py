"""`sqlkit verify`: engine, shim, apply, live checks, SQL tests in template clones."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlkit.config import Settings
from sqlkit.engines import Engine, resolve
from sqlkit.engines.base import Server, create_database, drop_database
from sqlkit.errors import MigrationError
from sqlkit.files import MigrationFile, discover, read_text
from sqlkit.lint.finding import Finding
from sqlkit.sql.source import Source

if TYPE_CHECKING:
    import psycopg

    from sqlkit.migrate.apply import Progress

# The database driver, the parser and the lint engine are imported while the engine prepares
# and starts its server (`_load_while_preparing`), not when this module loads.


@dataclass
class TestResult:
    path: str
    passed: bool
    seconds: float
    clone_seconds: float
    message: str = ""
    line: int | None = None
    timed_out: bool = False


@dataclass
class VerifyResult:
    engine: str
    server_version: str
    applied: int
    tests: list[TestResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    objects: dict[str, int] = field(default_factory=dict)
    dsn: str | None = None  # with --keep
    server_pid: int | None = None  # with --keep, where the engine runs a process here
    live_findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        live_errors = any(f.severity == "error" for f in self.live_findings)
        return all(t.passed for t in self.tests) and not live_errors


def helpers_sql() -> str:
    return resources.files("sqlkit.verify").joinpath("helpers.sql").read_text("utf-8")


def build_template(
    server: Server,
    settings: Settings,
    dbname: str,
    engine_name: str,
    files: list[MigrationFile] | None = None,
    progress: Progress | None = None,
) -> int:
    """The project built in `dbname` with the test helpers, then the seed data; the number of
    files applied."""
    from sqlkit.migrate.build import build
    from sqlkit.migrate.script import ScriptError, run_script

    applied = build(
        server,
        dbname,
        settings,
        engine=engine_name,
        files=files,
        before_apply=[helpers_sql()],
        progress=progress,
    )
    seed_folder = settings.existing_folder("seed")
    if seed_folder is not None:
        with server.session(dbname) as conn:
            # test data: into the template only, never recorded in the history
            for path in sorted(seed_folder.glob("*.sql")):
                display = str(path.relative_to(settings.root))
                source = Source(path=display, text=read_text(path, display))
                try:
                    with conn.transaction():
                        run_script(conn, source)
                except ScriptError as exc:
                    raise MigrationError(
                        f"{source.path}:{exc.line}: {exc.message}",
                        hint="the seed data does not fit the schema; fix the seed file",
                    ) from None
    return len(applied)


def count_objects(conn: psycopg.Connection) -> dict[str, int]:
    query = """
      select
        (select count(*) from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'sqlkit', 'auth', 'net', 'storage')
            and n.nspname not like 'pg_toast%%'),
        (select count(*) from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
          where n.nspname not in ('pg_catalog', 'information_schema', 'sqlkit', 'sqlkit_test', 'auth', 'net', 'storage', 'extensions')),
        (select count(*) from pg_catalog.pg_trigger t where not t.tgisinternal),
        (select count(*) from pg_catalog.pg_policy),
        (select count(*) from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema'))
    """
    row = conn.execute(query).fetchone()
    assert row is not None
    return dict(
        zip(
            ("tables", "functions", "triggers", "policies", "views"),
            (int(v) for v in row),
            strict=False,
        )
    )


def live_checks(conn: psycopg.Connection, settings: Settings) -> list[Finding]:
    """`lint --dsn` on the scratch database: actual privileges, what really got deployed."""
    from sqlkit.lint.engine import lint_model
    from sqlkit.live.introspect import introspect

    return lint_model(introspect(conn, settings.target), settings).findings


def run_test_file(
    server: Server,
    template: str,
    path: Path,
    display: str,
    active: set[psycopg.Connection] | None = None,
    timeout: float = 0.0,
) -> TestResult:
    """One test file in its own clone, inside a transaction that is rolled back.

    `timeout` (seconds, 0: none) is enforced twice: `statement_timeout` for each
    statement, and a wall-clock guard for the file that cancels whatever runs.
    """
    import psycopg

    from sqlkit.migrate.script import ScriptError, run_script

    clone = f"sqlkit_test_{secrets.token_hex(5)}"
    started = time.perf_counter()
    create_database(server, clone, template=template)
    clone_seconds = time.perf_counter() - started
    source = Source(path=display, text=read_text(path, display))
    expired = threading.Event()
    try:
        with server.connect(clone, autocommit=False) as conn:
            if active is not None:
                active.add(conn)
            guard = _guard(conn, timeout, expired) if timeout else None
            try:
                if timeout:
                    conn.execute(f"set statement_timeout = {max(1, round(timeout * 1000))}")
                run_script(conn, source)
                passed, message, line = True, "", None
            except ScriptError as exc:
                passed, message, line = False, exc.message, exc.line
                if exc.sqlstate == "57014" or expired.is_set():  # query_canceled
                    message = f"timed out after {timeout:g}s (test_timeout / --test-timeout)"
            finally:
                if guard is not None:
                    guard.cancel()
                if active is not None:
                    active.discard(conn)
                if not conn.closed:
                    with contextlib.suppress(psycopg.Error):
                        conn.rollback()
    finally:
        drop_database(server, clone)
    return TestResult(
        display,
        passed,
        time.perf_counter() - started,
        clone_seconds,
        message,
        line,
        timed_out=not passed and message.startswith("timed out"),
    )


def _guard(conn: psycopg.Connection, timeout: float, expired: threading.Event) -> threading.Timer:
    """Cancel the running statement when the file's time is up (a test may reset
    statement_timeout, or spend its time in many short statements)."""

    def fire() -> None:
        expired.set()
        with contextlib.suppress(Exception):
            conn.cancel_safe(timeout=5)

    timer = threading.Timer(timeout, fire)
    timer.daemon = True
    timer.start()
    return timer


def run_tests(
    server: Server,
    settings: Settings,
    template: str,
    jobs: int | None = None,
    on_result: Callable[[TestResult], None] | None = None,
    timeout: float | None = None,
) -> list[TestResult]:
    folder = settings.existing_folder("tests")
    paths = sorted(folder.glob("*.sql")) if folder is not None else []
    jobs = jobs or min(4, os.cpu_count() or 1)
    limit = settings.test_timeout if timeout is None else timeout
    results: list[TestResult] = []

    active: set[psycopg.Connection] = set()

    def one(path: Path) -> TestResult:
        result = run_test_file(
            server, template, path, str(path.relative_to(settings.root)), active, limit
        )
        if on_result:
            on_result(result)
        return result

    if jobs <= 1 or len(paths) <= 1:
        return [one(path) for path in paths]
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(one, path) for path in paths]
        results = [future.result() for future in futures]
    except BaseException:
        # Ctrl-C or an error: cancel what runs and do not wait for the threads; stopping the
        # server (the caller's cleanup) ends any query a thread started after this point
        for conn in list(active):
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=2)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _load_while_preparing() -> None:
    """Import what the later steps run (the driver, the parser, the lint engine and its rules,
    the catalog reader): about a third of a second, spent while initdb works."""
    import psycopg  # noqa: F401

    import sqlkit.live.introspect
    import sqlkit.migrate.build  # noqa: F401
    from sqlkit.lint.engine import lint_model  # noqa: F401
    from sqlkit.lint.registry import load_rules

    load_rules()


def verify(
    settings: Settings,
    *,
    engine_name: str | None = None,
    dsn: str | None = None,
    keep: bool = False,
    jobs: int | None = None,
    on_step: Callable[[str], None] | None = None,
    on_result: Callable[[TestResult], None] | None = None,
    progress: Progress | None = None,
    test_timeout: float | None = None,
) -> VerifyResult:
    """Everything of the project in a disposable Postgres, then its tests."""
    step = on_step or (lambda _: None)
    files = discover(settings)  # fail on bad input before starting anything
    settings.existing_folder("tests")
    engine: Engine = resolve(settings, engine_name, dsn)
    name = engine.name
    engine.keep = keep
    timings: dict[str, float] = {}
    started = time.perf_counter()
    step(f"starting the {name} engine")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            loading = pool.submit(_load_while_preparing)
            # initdb (or the copy), then the server process at once: from this thread, which
            # outlives the server (PR_SET_PDEATHSIG fires when the thread that forked it ends)
            engine.launch()
            loading.result()
    except BaseException:
        engine.stop()
        raise
    server = engine.start()
    try:
        timings["engine"] = time.perf_counter() - started
        template = engine.scratch_database(server)
        t = time.perf_counter()
        step(f"applying {len(files)} file(s)")
        applied = build_template(server, settings, template, name, files, progress)
        timings["apply"] = time.perf_counter() - t
        with server.connect(template) as conn:
            version = conn.info.parameter_status("server_version") or "?"
            objects = count_objects(conn)
            t = time.perf_counter()
            step("live checks: the lint rules on the deployed database")
            live = live_checks(conn, settings)
            timings["live_checks"] = time.perf_counter() - t
        t = time.perf_counter()
        step("running tests")
        tests = run_tests(server, settings, template, jobs, on_result, test_timeout)
        timings["tests"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - started
        result = VerifyResult(
            name, str(version), applied, tests, timings, objects, live_findings=live
        )
        if keep:
            engine.detach()
            result.dsn = server.url(template)
            result.server_pid = getattr(engine, "pid", None)
        return result
    finally:
        if not keep:
            engine.stop()
