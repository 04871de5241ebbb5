"""The `sqlkit` command line: Typer only — parse arguments, call `sqlkit.api`, map errors to exits."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

try:  # the console script imports this module first: Ctrl-C meanwhile is not a traceback
    import typer
    from typer.core import TyperGroup

    from sqlkit import __version__
    from sqlkit.cli.common import run_guarded
except KeyboardInterrupt:
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None


class SqlkitGroup(TyperGroup):
    """The command group whose every error, usage errors included, ends in `run_guarded`
    (also under Typer's CliRunner, which calls `main` directly)."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False  # errors come to run_guarded instead of Typer's boxes
        run_guarded(lambda: super(SqlkitGroup, self).main(*args, **kwargs))


app = typer.Typer(
    cls=SqlkitGroup,
    name="sqlkit",
    help="Keep Postgres/Supabase database logic in git: lint, render, apply and verify it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: `[a, b]` and `[default expr]` are text, not markup
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sqlkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """sqlkit: Postgres/Supabase SQL in git, checked before it ships."""


try:
    from sqlkit.cli import db as _db
    from sqlkit.cli import lint as _lint
    from sqlkit.cli import live as _live
    from sqlkit.cli import render as _render
except KeyboardInterrupt:
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None

_lint.register(app)
_db.register(app)
_render.register(app)
_live.register(app)

__all__ = ["app", "main"]
