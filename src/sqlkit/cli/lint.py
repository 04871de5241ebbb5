"""`sqlkit lint`, `sqlkit rules`, `sqlkit rule CODE`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from sqlkit import api
from sqlkit.cli.common import VerboseOption, choice, writable
from sqlkit.config import load_settings
from sqlkit.errors import InputError
from sqlkit.lint.reporters import FORMATS, report


def _codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def lint_command(
    paths: list[str] = typer.Argument(
        None,
        help="SQL files or directories; - reads standard input. "
        "Default: the project's migrations/, functions/, triggers/, policies/.",
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text, json, sarif, github or gitlab (Code Quality)."
    ),
    select: list[str] | None = typer.Option(
        None,
        "--select",
        help="Rule codes, prefixes (SK1) or names to run; comma-separated or repeated.",
    ),
    ignore: list[str] | None = typer.Option(
        None, "--ignore", help="Rule codes, prefixes or names to skip."
    ),
    fail_on: str = typer.Option(
        "warning", "--fail-on", help="Lowest severity that exits 1: error, warning, info or never."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="A sqlkit.toml or pyproject.toml to read instead of searching."
    ),
    target: str | None = typer.Option(
        None, "--target", help="supabase or postgres (overrides the config)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to a file."),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", help="Worker processes (default: the cores that are idle)."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Print notes (bodies not analysed, files re-decoded)."
    ),
    dsn: str | None = typer.Option(
        None, "--dsn", help="Lint a live database instead of files (findings name schema.object)."
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Analyse every file again (also: SQLKIT_NO_CACHE=1)."
    ),
    isolated: bool = typer.Option(
        False,
        "--isolated",
        help="Build the model from the given files alone (default: files of a project are "
        "linted with the whole project, findings reported for the given files).",
    ),
    fix: bool = typer.Option(
        False, "--fix", help="Apply the safe fixes to the files, then report what remains."
    ),
    diff: bool = typer.Option(
        False, "--diff", help="Print the fixes as a unified diff; write nothing (exit 1 if any)."
    ),
    unsafe_fixes: bool = typer.Option(
        False, "--unsafe-fixes", help="With --fix or --diff: also the fixes that change behaviour."
    ),
) -> None:
    """Lint SQL files statically (or a live database with --dsn): security, search_path, volatility, grants, RLS.

    Example: sqlkit lint migrations/ functions/ --format sarif -o sqlkit.sarif
    """
    choice(fmt, FORMATS, "format")
    choice(fail_on, ("error", "warning", "info", "never"), "--fail-on")
    if target is not None:
        choice(target, ("supabase", "postgres"), "--target")
    if output is not None:
        writable(output, "--output")  # before the work, not after it
    settings = load_settings(config_file=config)
    if target:
        settings = settings.with_overrides(target=target)
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: give 1 or more worker processes", hint="e.g. --jobs 2")
    if unsafe_fixes and not (fix or diff):
        raise InputError("--unsafe-fixes goes with --fix or --diff", hint="add --fix or --diff")
    if (fix or diff) and dsn is not None:
        raise InputError("--fix and --diff edit files, not a database", hint="drop --dsn")
    if diff and (fix or fmt != "text" or output is not None):
        raise InputError(
            "--diff prints the fixes as a unified diff on standard output and writes nothing",
            hint="use --diff alone (redirect it to a file), or --fix to write the fixes",
        )
    fixed = None
    if fix or diff:
        fixed = api.fix(
            paths or [],
            settings=settings,
            select=_codes(select),
            ignore=_codes(ignore),
            unsafe=unsafe_fixes,
            write=fix and not diff,
            jobs=jobs,
            cache=not no_cache,
            isolated=isolated,
        )
        sys.stderr.write(fixed.summary(verbose=verbose) + "\n")
        if diff:
            sys.stdout.write(fixed.diff())
            raise typer.Exit(1 if fixed.after else 0)
        result = fixed.result
    elif dsn is not None:
        if paths:
            raise InputError(
                "pass either paths or --dsn, not both",
                hint="`sqlkit lint --dsn URL` lints what is deployed",
            )
        result = api.lint_database(
            dsn, settings=settings, select=_codes(select), ignore=_codes(ignore)
        )
    else:
        stdin_data = sys.stdin.buffer.read() if paths and "-" in paths else None
        result = api.lint(
            paths or [],
            settings=settings,
            select=_codes(select),
            ignore=_codes(ignore),
            stdin_data=stdin_data,
            jobs=jobs,
            cache=not no_cache,
            isolated=isolated,
        )
    if output is not None:
        try:
            with output.open("w", encoding="utf-8") as handle:
                report(result, fmt, handle, color=False)
        except OSError as exc:
            raise InputError(
                f"--output {output}: {exc.strerror}", hint="pick a writable path"
            ) from None
    else:
        report(result, fmt, sys.stdout)
    if verbose or fmt == "text":
        for note in result.notes:
            if verbose or note.important or "UTF-8" in note.message or "NUL" in note.message:
                sys.stderr.write(f"note: {note.path}:{note.line}: {note.message}\n")
    raise typer.Exit(result.exit_code(fail_on))


def rules_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    verbose: bool = VerboseOption,
) -> None:
    """List every rule: code, name, default severity, what it checks and the Supabase
    database linter (splinter) lint it mirrors; live-only rules run in `lint --dsn`."""
    rules = api.rules()
    if fmt == "json":
        import json

        typer.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity,
                        "summary": r.summary,
                        "splinter": r.counterpart,
                        "live_only": r.live,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return
    if fmt != "text":
        raise InputError(f"unknown format {fmt!r}", hint="use text or json")
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("code", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("fires when")
    table.add_column("splinter lint it mirrors")
    for r in rules:
        table.add_row(r.code, r.name, r.severity, r.summary, "\n".join(r.counterparts) or "-")
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)


def rule_command(
    code: str = typer.Argument(..., help="A rule code such as SK104."),
    verbose: bool = VerboseOption,
) -> None:
    """Print one rule's documentation."""
    from rich.console import Console
    from rich.markdown import Markdown

    found = api.rule(code)
    console = Console()
    console.print(f"[bold]{found.code} {found.name}[/bold] (default severity: {found.severity})\n")
    console.print(Markdown(found.doc))


def register(app: typer.Typer) -> None:
    app.command("lint")(lint_command)
    app.command("rules")(rules_command)
    app.command("rule")(rule_command)
