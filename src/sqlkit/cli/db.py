"""`sqlkit apply`, `status`, `repair`, `verify`, `init`."""

from __future__ import annotations

import sys
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
from sqlkit.errors import InputError

if TYPE_CHECKING:
    from sqlkit.files import MigrationFile

console = LazyConsole()
err = LazyConsole(stderr=True)


def apply_command(
    dsn: str | None = DsnOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    shim: bool = typer.Option(
        False, "--shim", help="Install the target's shim first (Supabase roles, auth, net)."
    ),
    lock_timeout: float = LockOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Apply pending migrations, then changed repeatable definitions, one transaction per file.

    Example: sqlkit apply --dsn postgresql://postgres@localhost:5432/app
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from sqlkit.migrate.reporters import write_plan

    terminate_on_sigterm()
    settings = settings_from(config)
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

        def progress(file: MigrationFile, state: str, ms: int) -> None:
            if state == "start":
                bar.update(task, description=f"applying {file.display}")
                return
            bar.advance(task)
            # printed as each file commits: an interrupted run has said what it kept
            out = bar.console if err.is_terminal and console.is_terminal else console
            out.print(f"applied {file.display} [dim]({ms} ms)[/dim]")

        outcome = api.apply(
            dsn_or_env(dsn),
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


def status_command(
    dsn: str | None = DsnOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Show applied, pending, changed, renamed, outdated and missing-locally files. Exits 1 on drift."""
    from sqlkit.migrate.reporters import STATUS_FORMATS, drifted, write_status

    choice(fmt, STATUS_FORMATS, "format")
    rows = api.status(dsn_or_env(dsn), settings=settings_from(config))
    write_status(rows, fmt, sys.stdout)
    if drifted(rows):
        raise typer.Exit(1)


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
    console.print(f"\nnext: cd {path} && sqlkit lint && sqlkit verify")


def register(app: typer.Typer) -> None:
    app.command("apply")(apply_command)
    app.command("status")(status_command)
    app.command("repair")(repair_command)
    app.command("verify")(verify_command)
    app.command("init")(init_command)
