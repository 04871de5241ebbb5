"""The `sqlkit` command line: Typer only — parse arguments, call `sqlkit.api`, map errors to exits."""

from __future__ import annotations

import sys
from typing import Any

import typer

from sqlkit import __version__
from sqlkit.cli.common import run_guarded


class SqlkitApp(typer.Typer):
    """A Typer app that turns unexpected exceptions into a bug report, not a bare traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return run_guarded(lambda: super(SqlkitApp, self).__call__(*args, **kwargs))


app = SqlkitApp(
    name="sqlkit",
    help="Keep Postgres/Supabase database logic in git: lint, render, apply and verify it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


from sqlkit.cli import catalog as _catalog  # noqa: E402  (registers commands)
from sqlkit.cli import db as _db  # noqa: E402
from sqlkit.cli import lint as _lint  # noqa: E402
from sqlkit.cli import render as _render  # noqa: E402

_lint.register(app)
_db.register(app)
_render.register(app)
_catalog.register(app)

__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
