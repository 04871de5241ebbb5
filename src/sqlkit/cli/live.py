"""`sqlkit diff` and `sqlkit pull`: what is deployed, against git and into files."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from sqlkit import api
from sqlkit.cli.common import (
    ConfigOption,
    DsnOption,
    EngineOption,
    LazyConsole,
    VerboseOption,
    choice,
    dsn_or_env,
    settings_from,
    terminate_on_sigterm,
    writable,
)

console = LazyConsole()
err = LazyConsole(stderr=True)

SchemaOption = typer.Option(
    None,
    "--schema",
    "-s",
    help="Only this schema (repeat for more; default: all of yours).",
)


def diff_command(
    dsn: str | None = DsnOption,
    schema: list[str] | None = SchemaOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    emit_sql: Path | None = typer.Option(
        None, "--emit-sql", help="Write the SQL that brings the database to git's state."
    ),
    allow_drop: bool = typer.Option(
        False, "--allow-drop", help="Let --emit-sql drop objects git does not have."
    ),
    engine: str | None = EngineOption,
    scratch_dsn: str | None = typer.Option(
        None, "--scratch-dsn", help="For --engine dsn: a server for the throwaway database."
    ),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Compare what is deployed with git: functions, views, triggers, policies, RLS and grants. Exits 1 on drift.

    git's state is built in a scratch database of the engine (embedded by default).

    Example: sqlkit diff --dsn postgresql://postgres@db.example.com/postgres --emit-sql fix.sql
    """
    from sqlkit.live.reporters import DIFF_FORMATS, report_diff

    choice(fmt, DIFF_FORMATS, "format")
    if emit_sql is not None:
        writable(emit_sql, "--emit-sql")
    terminate_on_sigterm()
    result = api.diff(
        dsn_or_env(dsn),
        settings=settings_from(config),
        schemas=schema or (),
        engine=engine,
        scratch_dsn=scratch_dsn,
        emit_sql=emit_sql,
        allow_drop=allow_drop,
        on_step=lambda s: err.print(f"[dim]· {s}[/dim]"),
    )
    report_diff(result, fmt, sys.stdout)
    if emit_sql is not None:
        err.print(
            f"wrote {emit_sql}: review it, then run it with psql -f {emit_sql} (one transaction)"
        )
    if not result.clean:
        raise typer.Exit(1)


def pull_command(
    dsn: str | None = DsnOption,
    into: Path = typer.Option(..., "--into", help="Folder to write the files into."),
    schema: list[str] | None = SchemaOption,
    force: bool = typer.Option(False, "--force", help="Overwrite files that differ."),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Write what is deployed as files: tables as a baseline migration, functions, views, triggers and policies one per file.

    The baseline goes into the migrations folder when it has no migrations yet.

    Example: sqlkit pull --dsn postgresql://postgres@localhost/app --into functions/pulled
    """
    pulled = api.pull(
        dsn_or_env(dsn), into, settings=settings_from(config), schemas=schema or (), force=force
    )
    if pulled.baseline is not None:
        console.print(f"pulled the tables into {pulled.baseline}")
    elif pulled.tables_skipped:
        console.print(pulled.tables_skipped)
    kinds: dict[str, int] = {}
    for path in pulled.files:
        kinds[path.parent.name] = kinds.get(path.parent.name, 0) + 1
    summary = ", ".join(f"{n} in {folder}/" for folder, n in sorted(kinds.items()))
    console.print(f"pulled {len(pulled.files)} file(s) into {into}: {summary or 'nothing to pull'}")


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_command)
    app.command("pull")(pull_command)
