"""`sqlkit diff` and `sqlkit pull`: what is deployed, against git and into files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from sqlkit.cli.common import (
    ConfigOption,
    DsnOption,
    VerboseOption,
    dsn_or_env,
    settings_from,
    terminate_on_sigterm,
)
from sqlkit.cli.common import console as make_console
from sqlkit.errors import InputError

if TYPE_CHECKING:  # imported lazily at run time: the CLI starts faster without them
    from sqlkit.catalog.diff import Difference, DiffResult

console = make_console()
err = make_console(stderr=True)

SchemaOption = typer.Option(
    None,
    "--schema",
    "-s",
    help="Only this schema (repeat for more; default: all of yours).",
)
_STATUS = {
    "missing": ("[yellow]missing[/]", "in git, not in the database"),
    "extra": ("[magenta]extra[/]", "in the database, not in git"),
    "changed": ("[red]changed[/]", ""),
}


def _what(difference: Difference) -> list[str]:
    """One line per fact that differs (git's value → the database's)."""
    from sqlkit.catalog.diff import shown_value

    if difference.status != "changed":
        return [_STATUS[difference.status][1]]
    lines = []
    for change in difference.changes:
        expected = shown_value(change.fact, change.expected)
        actual = shown_value(change.fact, change.actual)
        if change.fact == "execute":
            lines.append(_grants(difference))
        elif change.fact == "privileges":
            lines += _relation_grants(difference)
        elif expected == actual:  # a body or expression: the unified diff below shows it
            lines.append(f"{change.fact} (diff below)")
        else:
            lines.append(f"{change.fact}: {expected or '(none)'} → {actual or '(none)'}")
    return lines


def _grants(difference: Difference) -> str:
    assert difference.expected is not None and difference.actual is not None
    want, have = difference.expected.grantees, difference.actual.grantees
    parts = []
    if have - want:
        parts.append(f"granted only in the database to {', '.join(sorted(have - want))}")
    if want - have:
        parts.append(f"granted only in git to {', '.join(sorted(want - have))}")
    return "execute " + " and ".join(parts)


def _relation_grants(difference: Difference) -> list[str]:
    assert difference.expected is not None and difference.actual is not None
    want, have = difference.expected.privileges, difference.actual.privileges
    lines = []
    for role in sorted(set(want) | set(have)):
        extra = have.get(role, frozenset()) - want.get(role, frozenset())
        missing = want.get(role, frozenset()) - have.get(role, frozenset())
        if extra:
            lines.append(
                f"privileges: {', '.join(sorted(extra))} granted only in the database to {role}"
            )
        if missing:
            lines.append(f"privileges: {', '.join(sorted(missing))} granted only in git to {role}")
    return lines


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
    engine: str | None = typer.Option(
        None,
        "--engine",
        "-e",
        help="Where git's state is built: embedded (default), local, docker, dsn.",
    ),
    scratch_dsn: str | None = typer.Option(
        None, "--scratch-dsn", help="For --engine dsn: a server for the throwaway database."
    ),
    config: Path | None = ConfigOption,
    verbose: bool = VerboseOption,
) -> None:
    """Compare what is deployed with git: functions, views, triggers, policies, RLS and grants. Exits 1 on drift.

    Example: sqlkit diff --dsn postgresql://postgres@db.example.com/postgres --emit-sql fix.sql
    """
    from sqlkit.api import diff_database
    from sqlkit.catalog.diff import emit_sql as render_sql

    if fmt not in ("table", "json"):
        raise InputError(f"unknown format {fmt!r}", hint="use table or json")
    if engine is not None and engine not in ("embedded", "local", "docker", "dsn"):
        raise InputError(f"unknown engine {engine!r}", hint="use embedded, local, docker or dsn")
    terminate_on_sigterm()
    settings = settings_from(config)
    result = diff_database(
        dsn_or_env(dsn),
        settings=settings,
        schemas=schema or (),
        engine_name=engine,
        scratch_dsn=scratch_dsn,
        on_step=lambda s: err.print(f"[dim]· {s}[/dim]"),
    )
    if emit_sql is not None:
        assert result.actual is not None
        try:
            emit_sql.write_text(render_sql(result, result.actual, allow_drop=allow_drop), "utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot write {emit_sql}: {exc.strerror}", hint="pick a writable path"
            ) from None
    if fmt == "json":
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        _print_report(result)
    if emit_sql is not None:
        err.print(
            f"wrote {emit_sql}: review it, then run it with psql -f {emit_sql} (one transaction)"
        )
    if not result.clean:
        raise typer.Exit(1)


def _print_report(result: DiffResult) -> None:
    total = sum(result.compared.values())
    seconds = result.timings.get("total", 0.0)
    if result.clean:
        console.print(f"[green]no drift[/green]: {total} object(s) compared in {seconds:.2f}s")
        return
    # a list rather than a table: names and values stay whole in any terminal width
    for difference in result.differences:
        status = _STATUS[difference.status][0]
        pad = " " * (8 - len(difference.status))
        console.print(
            f"{status}{pad} {difference.kind:<9} {escape(difference.name)}", soft_wrap=True
        )
        for line in _what(difference):
            console.print(f"{'':18} {escape(line)}", soft_wrap=True)
    for difference in result.differences:
        if difference.diff:
            console.print()
            for line in difference.diff.splitlines():
                color = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
                line = escape(line)
                console.print(f"[{color}]{line}[/]" if color else line, soft_wrap=True)
    counts = result.counts()
    console.print(
        f"\n[red]drift[/red]: {counts['missing']} missing, {counts['extra']} extra, "
        f"{counts['changed']} changed, of {total} object(s) compared in {seconds:.2f}s"
    )


def pull_command(
    dsn: str | None = DsnOption,
    into: Path = typer.Option(..., "--into", help="Folder to write the files into."),
    schema: list[str] | None = SchemaOption,
    force: bool = typer.Option(False, "--force", help="Overwrite files that differ."),
    verbose: bool = VerboseOption,
) -> None:
    """Write the deployed functions, views, triggers, policies and table access rules as files, one per object.

    Example: sqlkit pull --dsn postgresql://postgres@localhost/app --into functions/pulled
    """
    from sqlkit.api import pull_database

    written = pull_database(dsn_or_env(dsn), into, schemas=schema or (), force=force)
    kinds: dict[str, int] = {}
    for path in written:
        kinds[path.parent.name] = kinds.get(path.parent.name, 0) + 1
    summary = ", ".join(f"{n} in {folder}/" for folder, n in sorted(kinds.items()))
    console.print(f"pulled {len(written)} file(s) into {into}: {summary or 'nothing to pull'}")


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_command)
    app.command("pull")(pull_command)
