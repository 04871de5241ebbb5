"""`sqlkit new`, `sqlkit render`, `sqlkit templates`."""

from __future__ import annotations

from pathlib import Path

import typer

from sqlkit import api
from sqlkit.cli.common import LazyConsole, VerboseOption
from sqlkit.config import load_settings

console = LazyConsole()


def new_command(
    kind: str = typer.Argument(
        ...,
        help="Template: rpc-table, rpc-json, cache-framework, cached-rpc, "
        "invalidation-trigger, auth-hook, rls-policies, job-queue, export-batch, or a project template.",
    ),
    name: str = typer.Argument(..., help="Name of the object (and of the file written)."),
    sets: list[str] | None = typer.Option(
        None, "--set", "-s", help="A template parameter: key=value (lists: key=[a, b])."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    stdout: bool = typer.Option(False, "--stdout", help="Print the SQL instead of writing a file."),
    config: Path | None = typer.Option(
        None, "--config", help="A sqlkit.toml or pyproject.toml to read."
    ),
    verbose: bool = VerboseOption,
) -> None:
    """Render a template into the folder it belongs in (functions/, triggers/, policies/, migrations/).

    Example: sqlkit new rpc-json get_dashboard --set query="select jsonb_build_object('n', count(*)) from public.students"
    """
    from sqlkit.render.render import parse_sets

    settings = load_settings(config_file=config)
    result = api.new(
        kind, name, parse_sets(sets or []), settings=settings, force=force, write=not stdout
    )
    if stdout:
        typer.echo(result.text, nl=False)
    else:
        shown = (
            result.path.relative_to(settings.root)
            if result.path.is_relative_to(settings.root)
            else result.path
        )
        console.print(f"wrote {shown}")


def render_command(
    check: bool = typer.Option(
        False, "--check", help="Change nothing; exit 1 listing stale outputs (for CI)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="A sqlkit.toml or pyproject.toml to read."
    ),
    verbose: bool = VerboseOption,
) -> None:
    """Render every *.sql.j2 source to its .sql twin, deterministically."""
    settings = load_settings(config_file=config)
    outcomes = api.render(settings=settings, check=check)
    stale = [o for o in outcomes if o.changed]
    for outcome in stale:
        rel = outcome.target.relative_to(settings.root)
        console.print(f"{'stale' if check else 'rendered'} {rel}")
    if check and stale:
        console.print(f"[red]{len(stale)} rendered file(s) out of date[/red]: run `sqlkit render`")
        raise typer.Exit(1)
    console.print(
        f"{len(outcomes)} template source(s), {len(stale)} {'stale' if check else 'written'}"
    )


def templates_command(
    kind: str | None = typer.Argument(None, help="Show one template's parameters."),
    config: Path | None = typer.Option(
        None, "--config", help="A sqlkit.toml or pyproject.toml to read."
    ),
    verbose: bool = VerboseOption,
) -> None:
    """List the templates (built-in and the project's), or one template's parameters."""
    settings = load_settings(config_file=config)
    from rich.table import Table

    if kind is None:
        table = Table("template", "folder", "what it renders", box=None)
        for name, spec in sorted(api.templates(settings=settings).items()):
            table.add_row(
                name + ("" if spec.builtin else " (project)"), spec.folder, spec.description
            )
        console.print(table)
        return
    spec = api.template(kind, settings=settings)
    console.print(f"[bold]{kind}[/bold]: {spec.description}\n")
    table = Table("parameter", "type", "default", "meaning", box=None)
    for param in spec.params.values():
        table.add_row(
            param.name,
            param.type,
            "(required)" if param.required else repr(param.default),
            param.help,
        )
    console.print(table)
    for note in spec.notes:
        console.print(f"- {note}")


def register(app: typer.Typer) -> None:
    app.command("new")(new_command)
    app.command("render")(render_command)
    app.command("templates")(templates_command)
