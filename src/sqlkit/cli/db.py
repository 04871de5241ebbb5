"""`sqlkit apply`, `status`, `repair`, `verify`, `init`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from sqlkit import api
from sqlkit.cli.common import (
    ConfigOption,
    DsnOption,
    EngineOption,
    LazyConsole,
    LockOption,
    VerboseOption,
    checked_timeout,
    choice,
    dsn_or_env,
    settings_from,
    terminate_on_sigterm,
    writable,
)
from sqlkit.cli.common import (
    console as make_console,
)
from sqlkit.config import Settings, duration_seconds, retry_count
from sqlkit.errors import ConfigError, InputError, Interrupted

if TYPE_CHECKING:
    from sqlkit.files import MigrationFile
    from sqlkit.migrate.fleet import FleetResult, TargetRun

console = LazyConsole()
err = LazyConsole(stderr=True)


def _duration(option: str) -> Callable[[str | None], float | None]:
    def convert(value: str | None) -> float | None:
        if value is None:
            return None
        try:
            return duration_seconds(value, option)
        except ConfigError as exc:
            raise InputError(exc.message, hint=exc.hint) from None

    return convert


def _retries(value: int | None) -> int | None:
    try:
        return None if value is None else retry_count(value, "--lock-retries")
    except ConfigError as exc:
        raise InputError(exc.message) from None


TargetsOption = typer.Option(
    None,
    "--targets",
    help="A file of databases (a DSN or `name = DSN` per line, or a TOML table): "
    "do it on each, with its own lock and history.",
)
ParallelOption = typer.Option(1, "--parallel", "-p", help="With --targets: databases at once.")
FleetFormatOption = typer.Option("table", "--format", "-f", help="With --targets: table or json.")


def _dsn_or_targets(dsn: str | None, targets: Path | None) -> str | None:
    if targets is not None and dsn is not None:
        raise InputError("--dsn and --targets exclude each other", hint="pass one of them")
    return None if targets is not None else dsn_or_env(dsn)


def apply_command(
    dsn: str | None = DsnOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    shim: bool = typer.Option(
        False, "--shim", help="Install the target's shim first (Supabase roles, auth, net)."
    ),
    lock_timeout: float = LockOption,
    statement_lock_timeout: str | None = typer.Option(
        None,
        "--statement-lock-timeout",
        help="PostgreSQL's lock_timeout for each file's statements, e.g. 5s: a statement that "
        "waits longer for a lock fails (and its file rolls back) instead of blocking every "
        "query behind it. Default: statement_lock_timeout in the config, else the server's.",
        callback=_duration("--statement-lock-timeout"),
    ),
    statement_timeout: str | None = typer.Option(
        None,
        "--statement-timeout",
        help="PostgreSQL's statement_timeout for each file's statements, e.g. 5min. Default: "
        "statement_timeout in the config, else the server's.",
        callback=_duration("--statement-timeout"),
    ),
    lock_retries: int | None = typer.Option(
        None,
        "--lock-retries",
        help="Retry a file that gave up waiting for a lock this many times (default: "
        "lock_retries in the config, 0).",
        callback=_retries,
    ),
    lock_retry_delay: str | None = typer.Option(
        None,
        "--lock-retry-delay",
        help="Wait before the first retry, doubled for each next one (default 1s).",
        callback=_duration("--lock-retry-delay"),
    ),
    targets: Path | None = TargetsOption,
    parallel: int = ParallelOption,
    fail_fast: bool = typer.Option(
        False, "--fail-fast", help="With --targets: start no database after one failed."
    ),
    fmt: str = FleetFormatOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Apply pending migrations, then changed repeatable definitions, one transaction per file.

    Example: sqlkit apply --dsn postgresql://postgres@localhost:5432/app --statement-lock-timeout 5s
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from sqlkit.migrate.reporters import FLEET_FORMATS, write_plan

    terminate_on_sigterm()
    choice(fmt, FLEET_FORMATS, "format")
    single = _dsn_or_targets(dsn, targets)
    settings = settings_from(config).with_overrides(
        statement_lock_timeout=statement_lock_timeout,
        statement_timeout=statement_timeout,
        lock_retries=lock_retries,
        lock_retry_delay=lock_retry_delay,
    )
    if single is None:
        assert targets is not None
        _apply_fleet(targets, settings, parallel, fail_fast, dry_run, shim, lock_timeout, fmt)
        return
    if fmt != "table" or parallel != 1 or fail_fast:
        raise InputError(
            "--format, --parallel and --fail-fast are for --targets",
            hint="pass --targets FILE, or drop them to apply to one database",
        )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
        disable=dry_run or not err.is_terminal,
    ) as bar:
        task = bar.add_task("applying", total=None)
        retries: dict[str, int] = {}

        def progress(file: MigrationFile, state: str, ms: int) -> None:
            if state == "start":
                bar.update(task, description=f"applying {file.display}")
                return
            if state == "retry":
                retries[file.display] = retries.get(file.display, 0) + 1
                bar.console.print(
                    f"[yellow]{file.display}: gave up waiting for a lock; retry "
                    f"{retries[file.display]} of {settings.lock_retries} in {ms / 1000:g}s[/yellow]"
                )
                return
            bar.advance(task)
            # printed as each file commits: an interrupted run has said what it kept
            out = bar.console if err.is_terminal and console.is_terminal else console
            out.print(f"applied {file.display} [dim]({ms} ms)[/dim]")

        outcome = api.apply(
            single,
            settings=settings,
            dry_run=dry_run,
            shim=shim,
            lock_timeout=lock_timeout,
            progress=progress,
        )
    if outcome.shim_installed:
        err.print(f"installed the {settings.target} shim")
    if dry_run:
        write_plan(outcome.result.plan, sys.stdout)
        return
    for row in outcome.result.plan.missing_locally:
        err.print(
            f"[yellow]warning:[/yellow] version {row.version} ({row.name}) is applied but its file is gone"
        )
    applied = len(outcome.result.applied)
    if not applied:
        console.print("nothing to apply: the database is up to date")
    else:
        console.print(f"[green]applied {applied} file(s)[/green] to {outcome.target}")


def _apply_fleet(
    targets: Path,
    settings: Settings,
    parallel: int,
    fail_fast: bool,
    dry_run: bool,
    shim: bool,
    lock_timeout: float,
    fmt: str,
) -> None:
    from sqlkit.migrate.fleet import read_targets
    from sqlkit.migrate.reporters import FleetProgress

    runs: list[TargetRun] = []
    read_targets(targets)  # a bad file is one line before the live table starts
    with FleetProgress(lambda: runs, make_console(stderr=True)) as live:

        def changed(run: TargetRun) -> None:
            if run not in runs:
                runs.append(run)
            live.changed(run)

        result = api.apply_targets(
            targets,
            settings=settings,
            parallel=parallel,
            fail_fast=fail_fast,
            dry_run=dry_run,
            shim=shim,
            lock_timeout=lock_timeout,
            on_change=changed,
        )
    _fleet_exit(result, fmt, "apply")


def _fleet_exit(result: FleetResult, fmt: str, command: str) -> None:
    from sqlkit.migrate.reporters import write_fleet

    write_fleet(result, fmt, sys.stdout, command=command)
    if result.interrupted:
        raise Interrupted(
            f"interrupted: {result.count('interrupted')} target(s) stopped (their current "
            f"file rolled back), {result.count('skipped')} not started"
        )
    if result.failed:
        raise typer.Exit(1)


def status_command(
    dsn: str | None = DsnOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    targets: Path | None = TargetsOption,
    parallel: int = ParallelOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Show applied, pending, changed, renamed, outdated and missing-locally files. Exits 1 on drift."""
    from sqlkit.migrate.reporters import STATUS_FORMATS, drifted, write_status

    choice(fmt, STATUS_FORMATS, "format")
    single = _dsn_or_targets(dsn, targets)
    if single is None:
        assert targets is not None
        result = api.status_targets(targets, settings=settings_from(config), parallel=parallel)
        _fleet_exit(result, fmt, "status")
        return
    if parallel != 1:
        raise InputError("--parallel is for --targets", hint="pass --targets FILE, or drop it")
    rows = api.status(single, settings=settings_from(config))
    write_status(rows, fmt, sys.stdout)
    if drifted(rows):
        raise typer.Exit(1)


def baseline_command(
    dsn: str | None = DsnOption,
    version: str | None = typer.Option(
        None, "--version", help="Record every migration up to and including this version."
    ),
    from_supabase: bool = typer.Option(
        False,
        "--from-supabase",
        help="Record the migrations the Supabase CLI applied "
        "(supabase_migrations.schema_migrations).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be recorded."),
    lock_timeout: float = LockOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Adopt a database: record migrations as applied without running them.

    The checksums are those of the files as they are now; the rows are marked baselined.
    It never runs SQL of your files.

    Example: sqlkit baseline --dsn "$DATABASE_URL" --from-supabase
    """
    from sqlkit.migrate.reporters import write_baseline

    if version is not None and from_supabase:
        raise InputError("--version and --from-supabase exclude each other", hint="pass one")
    result = api.baseline(
        dsn_or_env(dsn),
        settings=settings_from(config),
        version=version,
        from_supabase=from_supabase,
        dry_run=dry_run,
        lock_timeout=lock_timeout,
    )
    write_baseline(result, sys.stdout)


def repair_command(
    dsn: str | None = DsnOption,
    lock_timeout: float = LockOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Accept the current checksums and names of applied migrations; forget failed attempts."""
    done = api.repair(dsn_or_env(dsn), settings=settings_from(config), lock_timeout=lock_timeout)
    for line in done or ["nothing to repair"]:
        console.print(line)


def verify_command(
    engine: str | None = EngineOption,
    dsn: str | None = typer.Option(
        None, "--dsn", help="For --engine dsn: the server to use (a throwaway database is created)."
    ),
    junit: Path | None = typer.Option(None, "--junit", help="Write a JUnit XML report."),
    keep: bool = typer.Option(
        False, "--keep", help="Leave the server running and print SQLKIT_DSN=<url>."
    ),
    jobs: int | None = typer.Option(None, "--jobs", "-j", help="Test files run at once."),
    test_timeout: float | None = typer.Option(
        None,
        "--test-timeout",
        help="Seconds one test file may run (default: test_timeout in the config, 60; 0: no limit).",
        callback=lambda v: None if v is None else checked_timeout(v, "--test-timeout"),
    ),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Apply everything to a disposable Postgres and run tests/sql/*.sql, each in its own clone.

    Example: sqlkit verify --junit verify.xml
    """
    from sqlkit.verify.junit import write_junit
    from sqlkit.verify.reporters import failure, test_line, write_summary

    terminate_on_sigterm()
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: give 1 or more test files at once", hint="e.g. --jobs 2")
    settings = settings_from(config)
    if junit is not None:
        writable(junit, "--junit")
    result = api.verify(
        settings=settings,
        engine=engine,
        dsn=dsn,
        keep=keep,
        jobs=jobs,
        test_timeout=test_timeout,
        on_step=lambda s: err.print(f"[dim]· {s}[/dim]"),
        on_result=lambda test: err.print(test_line(test)),
    )
    write_summary(result, sys.stdout)
    if junit is not None:
        try:
            write_junit(result, junit)
        except OSError as exc:
            raise InputError(
                f"--junit {junit}: {exc.strerror}", hint="pick a writable path"
            ) from None
    if result.dsn:
        print(f"SQLKIT_DSN={result.dsn}", flush=True)
        stop = f"; stop it with: kill {result.server_pid}" if result.server_pid else ""
        err.print(f'the server keeps running; connect with: psql "$SQLKIT_DSN"{stop}')
    problem = failure(result)
    if problem is not None:
        raise problem


def init_command(
    path: Path = typer.Argument(Path("."), help="Folder to create the project in."),
    target: str = typer.Option("supabase", "--target", help="supabase or postgres."),
    force: bool = typer.Option(
        False, "--force", help="Write into a folder that already has files."
    ),
    verbose: bool = VerboseOption,
) -> None:
    """Scaffold a project that `sqlkit verify` passes at once.

    A Supabase project needs no init: sqlkit finds supabase/config.toml or
    supabase/migrations by walking up from the current folder, uses
    supabase/migrations as its migrations and targets supabase.
    """
    for file in api.init(path, target=target, force=force):
        console.print(f"created {file}")
    go = "" if Path(path).resolve() == Path.cwd().resolve() else f"cd {path} && "
    console.print(f"\nnext: {go}sqlkit lint && sqlkit verify")


def register(app: typer.Typer) -> None:
    app.command("apply")(apply_command)
    app.command("status")(status_command)
    app.command("repair")(repair_command)
    app.command("baseline")(baseline_command)
    app.command("verify")(verify_command)
    app.command("init")(init_command)
