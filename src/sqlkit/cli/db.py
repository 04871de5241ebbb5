"""`sqlkit apply`, `status`, `repair`, `verify`, `init`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from sqlkit.cli.common import (
    ConfigOption,
    DsnOption,
    LockOption,
    VerboseOption,
    checked_timeout,
    dsn_or_env,
    settings_from,
    terminate_on_sigterm,
    writable,
)
from sqlkit.cli.common import console as make_console
from sqlkit.engines.base import mask_dsn, parse_dsn
from sqlkit.errors import InputError, VerificationFailed

console = make_console()
err = make_console(stderr=True)


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
    from sqlkit.engines.shim import install_shim
    from sqlkit.files import MigrationFile
    from sqlkit.migrate.apply import apply_files

    terminate_on_sigterm()
    settings = settings_from(config)
    server = parse_dsn(dsn_or_env(dsn))
    with server.session() as conn:
        if shim and not dry_run and install_shim(conn, settings.target, settings.exposed_schemas):
            err.print(f"installed the {settings.target} shim")
        if dry_run:
            result = apply_files(conn, settings, dry_run=True, lock_timeout=lock_timeout)
            _print_plan(result.plan)
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("applying", total=None)

            def progress(file: MigrationFile, state: str, ms: int) -> None:
                if state == "start":
                    bar.update(task, description=f"applying {file.display}")
                else:
                    bar.advance(task)
                    # printed as each file commits: an interrupted run has said what it kept
                    out = bar.console if err.is_terminal and console.is_terminal else console
                    out.print(f"applied {file.display} [dim]({ms} ms)[/dim]")

            result = apply_files(conn, settings, lock_timeout=lock_timeout, progress=progress)
    for row in result.plan.missing_locally:
        err.print(
            f"[yellow]warning:[/yellow] version {row.version} ({row.name}) is applied but its file is gone"
        )
    if not result.applied:
        console.print("nothing to apply: the database is up to date")
    else:
        console.print(
            f"[green]applied {len(result.applied)} file(s)[/green] to "
            f"{mask_dsn(server.url(with_password=False))}"
        )


def _print_plan(plan: object) -> None:
    from sqlkit.migrate.apply import Plan

    assert isinstance(plan, Plan)
    if plan.changed:
        for file, _ in plan.changed:
            console.print(
                f"[red]changed after apply[/red] {file.display} (apply will refuse; see `sqlkit repair`)"
            )
    if not plan.to_run:
        console.print("nothing to apply: the database is up to date")
    for item in plan.to_run:
        console.print(f"would {item.action} {item.file.display}")


def status_command(
    dsn: str | None = DsnOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Show applied, pending, changed, outdated and missing-locally files. Exits 1 on drift."""
    from sqlkit.migrate.apply import status

    if fmt not in ("table", "json"):
        raise InputError(f"unknown format {fmt!r}", hint="use table or json")
    settings = settings_from(config)
    server = parse_dsn(dsn_or_env(dsn))
    with server.session() as conn:
        rows = status(conn, settings)
    if fmt == "json":
        typer.echo(json.dumps([row.__dict__ for row in rows], indent=2))
    else:
        table = Table("kind", "version", "name", "state", "applied at", box=None)
        colors = {
            "applied": "green",
            "pending": "yellow",
            "changed": "red",
            "renamed": "red",
            "failed": "red",
            "outdated": "yellow",
            "missing-locally": "magenta",
        }
        for row in rows:
            table.add_row(
                row.kind,
                row.version or "",
                row.name,
                f"[{colors[row.state]}]{row.state}[/]",
                row.applied_at or "",
            )
        console.print(table)
    if any(row.state in ("changed", "renamed") for row in rows):
        raise typer.Exit(1)


def repair_command(
    dsn: str | None = DsnOption,
    lock_timeout: float = LockOption,
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Accept the current checksums of changed migrations and forget failed attempts."""
    from sqlkit.migrate.apply import repair

    settings = settings_from(config)
    server = parse_dsn(dsn_or_env(dsn))
    with server.session() as conn:
        done = repair(conn, settings, lock_timeout=lock_timeout)
    for line in done:
        console.print(line)
    if not done:
        console.print("nothing to repair")


def verify_command(
    engine: str | None = typer.Option(
        None, "--engine", "-e", help="embedded (default), local, docker or dsn."
    ),
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
    from sqlkit.verify.runner import TestResult, verify

    terminate_on_sigterm()
    settings = settings_from(config)
    if engine is not None and engine not in ("embedded", "local", "docker", "dsn"):
        raise InputError(f"unknown engine {engine!r}", hint="use embedded, local, docker or dsn")
    if junit is not None:
        writable(junit, "--junit")

    def on_result(result: TestResult) -> None:
        mark = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
        err.print(f"  {mark} {result.path} [dim]({result.seconds * 1000:.0f} ms)[/dim]")

    result = verify(
        settings,
        engine_name=engine,
        dsn=dsn,
        keep=keep,
        jobs=jobs,
        on_step=lambda s: err.print(f"[dim]· {s}[/dim]"),
        on_result=on_result,
        test_timeout=test_timeout,
    )
    for finding in result.live_findings:
        console.print(
            f"[{'red' if finding.severity == 'error' else 'yellow'}]live {finding.severity}[/] "
            f"{finding.path}: {finding.code} {finding.message}",
            soft_wrap=True,
        )
    failures = [test for test in result.tests if not test.passed]
    for test in failures:
        where = f"{test.path}:{test.line}" if test.line else test.path
        console.print(f"[red]FAIL[/red] {where}: {test.message}", soft_wrap=True)
    objects = ", ".join(f"{v} {k}" for k, v in result.objects.items())
    passed = sum(1 for t in result.tests if t.passed)
    console.print(
        f"{'[green]verified[/green]' if result.ok else '[red]verification failed[/red]'}: "
        f"{result.applied} file(s) applied ({objects}) on {result.engine} PostgreSQL {result.server_version}; "
        f"{passed}/{len(result.tests)} test file(s) passed in {result.timings.get('total', 0):.2f}s"
    )
    if junit is not None:
        try:
            write_junit(result, junit)
        except OSError as exc:
            raise InputError(
                f"--junit {junit}: {exc.strerror}", hint="pick a writable path"
            ) from None
    if result.dsn:
        print(f"SQLKIT_DSN={result.dsn}")
        sys.stdout.flush()
        stop = f"; stop it with: kill {result.server_pid}" if result.server_pid else ""
        err.print(f'the server keeps running; connect with: psql "$SQLKIT_DSN"{stop}')
    if not result.ok:
        live_errors = sum(1 for f in result.live_findings if f.severity == "error")
        problems = []
        if len(result.tests) - passed:
            problems.append(f"{len(result.tests) - passed} test file(s) failed")
        if live_errors:
            problems.append(f"{live_errors} error(s) from the live checks")
        raise VerificationFailed("; ".join(problems))


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
    from sqlkit.scaffold import init_project

    written = init_project(path, target=target, force=force)
    for file in written:
        console.print(f"created {file}")
    console.print(f"\nnext: cd {path} && sqlkit lint && sqlkit verify")


def register(app: typer.Typer) -> None:
    app.command("apply")(apply_command)
    app.command("status")(status_command)
    app.command("repair")(repair_command)
    app.command("verify")(verify_command)
    app.command("init")(init_command)
