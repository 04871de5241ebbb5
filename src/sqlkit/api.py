"""Every verb of sqlkit as a plain typed function; the CLI parses arguments and calls these.

Each takes settings (found from the current folder when not given) and returns a
result object; a problem the user can fix is a `SqlkitError`. Imports are lazy:
`sqlkit lint` never loads psycopg or the live-database code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlkit.config import Settings, load_settings
from sqlkit.errors import InputError

if TYPE_CHECKING:
    from sqlkit.lint.finding import LintResult
    from sqlkit.lint.fix import FixResult
    from sqlkit.lint.inputs import LintInput
    from sqlkit.lint.registry import Rule
    from sqlkit.live.compare import DiffResult
    from sqlkit.live.pull import Pulled
    from sqlkit.migrate.apply import ApplyResult, Progress, StatusRow
    from sqlkit.migrate.baseline import BaselineResult
    from sqlkit.migrate.fleet import FleetResult, TargetRun
    from sqlkit.render.render import NewResult, RenderOutcome
    from sqlkit.render.templates import TemplateSpec
    from sqlkit.verify.runner import TestResult, VerifyResult

Step = Callable[[str], None]


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


# ------------------------------------------------------------------------------ lint
def lint(
    paths: Sequence[str] = (),
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    stdin_data: bytes | None = None,
    jobs: int | None = None,
    cache: bool = True,
    isolated: bool = False,
) -> LintResult:
    """Lint SQL files and directories (`-` reads standard input); no paths: the project's
    folders. Unchanged files are read back from the lint cache unless `cache` is false (or
    SQLKIT_NO_CACHE=1); see `sqlkit.lint.cache`.

    When a given file is one of the project's (in its migrations/, functions/, triggers/
    or policies/, found from the configuration or the default layout), the whole project
    builds the model: every project file is replayed in order, the given files with them,
    and findings are reported for the given files only (what pre-commit needs). `isolated`
    builds the model from the given files alone."""
    from sqlkit.lint.cache import LintCache, cache_enabled

    settings = _settings(settings)
    inputs, report_only = _lint_inputs(paths, settings, stdin_data, isolated)
    store = LintCache() if cache and cache_enabled() else None
    key = store.run_key(inputs, settings, select, ignore, report_only) if store else None
    if store is not None and key is not None and (found := store.load_run(key)) is not None:
        return found  # the same files, bytes, settings and rules as a run before
    from sqlkit.lint.engine import lint as run_lint

    result = run_lint(
        inputs,
        settings,
        select=select,
        ignore=ignore,
        jobs=jobs,
        cache=store,
        report_only=report_only,
    )
    if store is not None and key is not None:
        store.store_run(key, result)
    return result


def _project(settings: Settings, verb: str) -> Settings:
    """The settings of a project: a configuration file or one of its folders must be here
    (from the wrong folder, verify would pass on nothing and diff call everything extra)."""
    from sqlkit.lint.inputs import project_folders

    if settings.config_file is None and not project_folders(settings):
        raise InputError(
            f"no project in {settings.root}: no sqlkit.toml and no migrations/, functions/, "
            "triggers/ or policies/ folder",
            hint=f"run `sqlkit {verb}` in the project's folder (or pass --config), or start "
            "one with `sqlkit init`",
        )
    return settings


def _lint_inputs(
    paths: Sequence[str], settings: Settings, stdin_data: bytes | None, isolated: bool
) -> tuple[list[LintInput], set[str] | None]:
    """What `lint` analyses (the given paths, with the project's files around them) and the
    paths it reports on (None: all)."""
    from sqlkit.lint.inputs import collect_inputs, project_folders, with_project

    folders = project_folders(settings)
    given = bool(paths)
    if not paths:
        if not folders:
            raise InputError(
                "nothing to lint: no paths given and no migrations/, functions/, "
                "triggers/ or policies/ folder here",
                hint="pass files or directories, e.g. `sqlkit lint migrations/`",
            )
        paths = folders
    inputs = collect_inputs(paths, stdin_data)
    if given and not inputs:  # "All clear" on no file would hide a wrong path
        raise InputError(
            f"nothing to lint: no .sql or .sql.j2 file in {', '.join(paths)}",
            hint="pass the folder that holds the SQL files, or the files themselves",
        )
    report_only = None
    if not isolated and folders:
        inputs, report_only = with_project(inputs, collect_inputs(folders))
    return inputs, report_only


def fix(
    paths: Sequence[str] = (),
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    unsafe: bool = False,
    write: bool = True,
    jobs: int | None = None,
    cache: bool = True,
    isolated: bool = False,
) -> FixResult:
    """Lint as `lint` does and apply the findings' fixes to the given files (safe ones, and
    unsafe ones with `unsafe`), linting again until none is left to apply; `write=False`
    computes the fixed texts without writing them (`--diff`). See `sqlkit.lint.fix`."""
    from sqlkit.lint.cache import LintCache, cache_enabled
    from sqlkit.lint.engine import lint as run_lint
    from sqlkit.lint.fix import fix_files
    from sqlkit.lint.inputs import LintInput

    settings = _settings(settings)
    if "-" in paths:
        raise InputError(
            "--fix and --diff edit files: standard input cannot be fixed",
            hint="pass the file's path instead of -",
        )
    inputs, report_only = _lint_inputs(paths, settings, None, isolated)
    store = LintCache() if cache and cache_enabled() else None
    given = [item.path for item in inputs if report_only is None or item.path in report_only]

    def relint(data: dict[str, bytes]) -> LintResult:
        edited = [LintInput(i.path, data[i.path]) if i.path in data else i for i in inputs]
        return run_lint(
            edited,
            settings,
            select=select,
            ignore=ignore,
            jobs=jobs,
            cache=store,
            report_only=report_only,
        )

    return fix_files(given, relint, unsafe=unsafe, write=write)


def lint_database(
    dsn: str,
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> LintResult:
    """Lint what is deployed: the same rules on a model introspected from a live database,
    with the database's own checks for what only it knows (statistics, versions, buckets)
    and for the rules on table structure (`sqlkit.live.checks`)."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.lint.engine import lint_model
    from sqlkit.lint.registry import enabled_rules
    from sqlkit.live.checks import run_checks
    from sqlkit.live.introspect import introspect

    settings = _settings(settings)
    codes = list(enabled_rules(settings, select, ignore))
    with parse_dsn(dsn).session() as conn:
        model = introspect(conn, settings.target)
        observations, notes = run_checks(conn, settings, codes)
    return lint_model(
        model, settings, select=select, ignore=ignore, observations=observations, notes=notes
    )


def rules() -> list[Rule]:
    from sqlkit.lint.registry import load_rules

    return list(load_rules().values())


def rule(code: str) -> Rule:
    from sqlkit.lint.registry import get_rule

    found = get_rule(code)
    if found is None:
        raise InputError(f"unknown rule {code!r}", hint="`sqlkit rules` lists every code")
    return found


# ------------------------------------------------------------------------ migrations
@dataclass
class ApplyOutcome:
    result: ApplyResult
    target: str  # the database, as it may be printed (no password)
    shim_installed: bool = False


def apply(
    dsn: str,
    *,
    settings: Settings | None = None,
    dry_run: bool = False,
    shim: bool = False,
    lock_timeout: float = 60.0,
    progress: Progress | None = None,
) -> ApplyOutcome:
    """Apply pending migrations, then changed repeatable definitions, one transaction per file,
    with the guard rails of `settings` (statement_lock_timeout, statement_timeout,
    lock_retries, lock_retry_delay)."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.engines.shim import install_shim
    from sqlkit.files import discover
    from sqlkit.migrate.apply import Guardrails, apply_files, check_files

    settings = _settings(settings)
    server = parse_dsn(dsn)
    files = discover(settings)  # a file that cannot be applied fails before connecting
    parsed = check_files(files)
    installed = False
    with server.session() as conn:
        if shim and not dry_run:
            installed = install_shim(conn, settings.target, settings.exposed_schemas)
        result = apply_files(
            conn,
            settings,
            files=files,
            parsed=parsed,
            dry_run=dry_run,
            lock_timeout=lock_timeout,
            progress=progress,
            guardrails=Guardrails.from_settings(settings),
        )
    return ApplyOutcome(result, server.url(with_password=False), installed)


def apply_targets(
    targets: Path,
    *,
    settings: Settings | None = None,
    parallel: int = 1,
    fail_fast: bool = False,
    dry_run: bool = False,
    shim: bool = False,
    lock_timeout: float = 60.0,
    on_change: Callable[[TargetRun], None] | None = None,
) -> FleetResult:
    """`apply` on every database of a targets file, `parallel` at a time, each with its own
    lock and history; a failed target does not stop the others unless `fail_fast`."""
    from sqlkit.migrate.apply import Guardrails
    from sqlkit.migrate.fleet import apply_fleet, read_targets

    settings = _settings(settings)
    return apply_fleet(
        read_targets(targets),
        settings,
        parallel=parallel,
        fail_fast=fail_fast,
        dry_run=dry_run,
        shim=shim,
        lock_timeout=lock_timeout,
        guardrails=Guardrails.from_settings(settings),
        on_change=on_change,
    )


def status(dsn: str, *, settings: Settings | None = None) -> list[StatusRow]:
    """Applied, pending, changed, renamed, outdated, failed and missing-locally files."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.migrate.apply import status as read_status

    settings = _settings(settings)
    with parse_dsn(dsn).session() as conn:
        return read_status(conn, settings)


def status_targets(
    targets: Path,
    *,
    settings: Settings | None = None,
    parallel: int = 1,
    on_change: Callable[[TargetRun], None] | None = None,
) -> FleetResult:
    """`status` of every database of a targets file."""
    from sqlkit.migrate.fleet import read_targets, status_fleet

    return status_fleet(
        read_targets(targets), _settings(settings), parallel=parallel, on_change=on_change
    )


def baseline(
    dsn: str,
    *,
    settings: Settings | None = None,
    version: str | None = None,
    from_supabase: bool = False,
    dry_run: bool = False,
    lock_timeout: float = 60.0,
) -> BaselineResult:
    """Record migrations as applied without running them: every one up to `version`, or
    those the Supabase CLI recorded (`from_supabase`)."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.migrate.baseline import baseline as do_baseline

    settings = _settings(settings)
    with parse_dsn(dsn).session() as conn:
        return do_baseline(
            conn,
            settings,
            version=version,
            from_supabase=from_supabase,
            dry_run=dry_run,
            lock_timeout=lock_timeout,
        )


def repair(dsn: str, *, settings: Settings | None = None, lock_timeout: float = 60.0) -> list[str]:
    """Accept the current checksums and names of applied files; forget failed attempts."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.migrate.apply import repair as do_repair

    settings = _settings(settings)
    with parse_dsn(dsn).session() as conn:
        return do_repair(conn, settings, lock_timeout=lock_timeout)


# ---------------------------------------------------------------------------- verify
def verify(
    *,
    settings: Settings | None = None,
    engine: str | None = None,
    dsn: str | None = None,
    keep: bool = False,
    jobs: int | None = None,
    test_timeout: float | None = None,
    on_step: Step | None = None,
    on_result: Callable[[TestResult], None] | None = None,
) -> VerifyResult:
    """Everything of the project in a disposable Postgres, the live checks, then its tests."""
    from sqlkit.verify.runner import verify as run_verify

    return run_verify(
        _project(_settings(settings), "verify"),
        engine_name=engine,
        dsn=dsn,
        keep=keep,
        jobs=jobs,
        on_step=on_step,
        on_result=on_result,
        test_timeout=test_timeout,
    )


def init(path: Path, *, target: str = "supabase", force: bool = False) -> list[Path]:
    """Scaffold a project that lints clean and verifies green."""
    from sqlkit.scaffold import init_project

    return init_project(path, target=target, force=force)


# ------------------------------------------------------------------------- templates
def new(
    kind: str,
    name: str,
    params: dict[str, Any],
    *,
    settings: Settings | None = None,
    force: bool = False,
    write: bool = True,
) -> NewResult:
    """Render template `kind` as `name` into the folder it belongs in (`write=False`: only
    render it; the result's path is then `-`)."""
    from sqlkit.render.render import NewResult, Renderer, new_file, render_new

    settings = _settings(settings)
    if write:
        return new_file(settings, kind, name, params, force=force)
    return NewResult(Path("-"), render_new(Renderer(settings), kind, name, params))


def templates(*, settings: Settings | None = None) -> dict[str, TemplateSpec]:
    """The built-in templates and the project's, by kind."""
    from sqlkit.render.render import Renderer

    return Renderer(_settings(settings)).templates


def template(kind: str, *, settings: Settings | None = None) -> TemplateSpec:
    from sqlkit.render.render import Renderer

    return Renderer(_settings(settings)).spec(kind)


def render(*, settings: Settings | None = None, check: bool = False) -> list[RenderOutcome]:
    """Render every `*.sql.j2` source to its `.sql` twin (with `check`: only compare)."""
    from sqlkit.render.render import render_project

    return render_project(_settings(settings), check=check)


# ----------------------------------------------------------------------- live databases
def diff(
    dsn: str,
    *,
    settings: Settings | None = None,
    schemas: Sequence[str] = (),
    engine: str | None = None,
    scratch_dsn: str | None = None,
    emit_sql: Path | None = None,
    allow_drop: bool = False,
    on_step: Step | None = None,
) -> DiffResult:
    """Compare what is deployed at `dsn` with the project built in a scratch database;
    with `emit_sql`, write the SQL that brings the database to git's state."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from sqlkit.engines.base import parse_dsn
    from sqlkit.live.compare import compare
    from sqlkit.live.desired import desired_snapshot
    from sqlkit.live.emit import emit_sql as render_sql
    from sqlkit.live.snapshot import Snapshot, take_snapshot

    settings = _project(_settings(settings), "diff")
    step = on_step or (lambda _: None)
    started = time.perf_counter()
    step("reading the database")
    parts: dict[str, float] = {}

    def read(conn: Any) -> Snapshot:
        snapshot = take_snapshot(conn, schemas)
        parts["introspect"] = time.perf_counter() - started
        return snapshot

    # a bad DSN fails before any engine starts; then the database is read while git's
    # state is built, neither waiting for the other
    with parse_dsn(dsn).session() as conn, ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read, conn)
        expected = desired_snapshot(
            settings,
            schemas,
            engine_name=engine,
            scratch_dsn=scratch_dsn,
            on_step=on_step,
            timings=parts,
        )
        actual = reading.result()
    desired = sum(parts.get(k, 0.0) for k in ("engine", "build", "read git"))
    compared = time.perf_counter()
    unknown = sorted(set(schemas) - actual.schemas - expected.schemas)
    if unknown:
        raise InputError(
            f"--schema {unknown[0]}: no such schema in the database or in git's state",
            hint="name a schema that exists on either side",
        )
    result = compare(expected, actual)
    result.timings = {
        "introspect": parts.pop("introspect", 0.0),  # at the same time as git's state
        "desired": desired,  # engine start, build and read of git's state, in `parts`
        **{f"desired: {k}": v for k, v in parts.items()},
        "compare": time.perf_counter() - compared,
        "total": time.perf_counter() - started,
    }
    if emit_sql is not None:
        try:
            emit_sql.write_text(render_sql(result, actual, allow_drop=allow_drop), "utf-8")
        except OSError as exc:
            raise InputError(
                f"--emit-sql {emit_sql}: {exc.strerror}", hint="pick a writable path"
            ) from None
    return result


def pull(
    dsn: str,
    into: Path,
    *,
    settings: Settings | None = None,
    schemas: Sequence[str] = (),
    force: bool = False,
) -> Pulled:
    """Write what is deployed as files: the tables (with their schemas, types, sequences,
    constraints and indexes) as a baseline migration when the project has no migrations
    yet, and every function, view, trigger and policy as a repeatable definition."""
    from sqlkit.engines.base import parse_dsn
    from sqlkit.live.pull import write_files
    from sqlkit.live.snapshot import take_snapshot

    settings = _settings(settings)
    with parse_dsn(dsn).session() as conn:
        snapshot = take_snapshot(conn, schemas)
    return write_files(snapshot, into, migrations=settings.folder("migrations"), force=force)
