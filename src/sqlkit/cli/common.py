"""The one place that turns SqlkitError into an exit code and a one-line message."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from sqlkit.config import Settings, load_settings
from sqlkit.errors import InputError, SqlkitError

T = TypeVar("T")
REPORT_URL = "https://github.com/sqlkit-dev/sqlkit/issues"


def fail(error: SqlkitError) -> typer.Exit:
    message = f"error: {error.message}"
    if error.hint:
        message += f" — {error.hint}"
    typer.echo(message, err=True)
    return typer.Exit(error.exit_code)


def run_guarded(func: Callable[[], T]) -> T:
    """Run the CLI; a SqlkitError is one line and its exit code, anything else is a bug."""
    try:
        return func()
    except SqlkitError as error:
        raise SystemExit(fail(error).exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except (SystemExit, typer.Exit):
        raise
    except Exception as exc:  # a bug: show it, and ask for a report
        if os.environ.get("SQLKIT_DEBUG") or "--verbose" in sys.argv or "-v" in sys.argv:
            traceback.print_exc()
        typer.echo(
            f"internal error: {exc!r} — this is a bug in sqlkit; please report it at "
            f"{REPORT_URL} (run with --verbose for the traceback)",
            err=True,
        )
        raise SystemExit(3) from None


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for command functions: SqlkitError → message + exit code."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SqlkitError as error:
            raise fail(error) from None

    return wrapper


# --- shared by the commands that talk to a database ----------------------------------


def dsn_or_env(value: str | None) -> str:
    dsn = value or os.environ.get("SQLKIT_DSN") or os.environ.get("DATABASE_URL")
    if not dsn:
        raise InputError(
            "no database given", hint="pass --dsn URL, or set SQLKIT_DSN or DATABASE_URL"
        )
    return dsn


def settings_from(config: Path | None) -> Settings:
    return load_settings(config_file=config)


def terminate_on_sigterm() -> None:
    """SIGTERM behaves like Ctrl-C: unwind, so servers and directories are cleaned up."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


DsnOption = typer.Option(
    None, "--dsn", help="Database URL (default: $SQLKIT_DSN or $DATABASE_URL)."
)
ConfigOption = typer.Option(None, "--config", help="A sqlkit.toml or pyproject.toml to read.")
LockOption = typer.Option(
    60.0, "--lock-timeout", help="Seconds to wait for another apply to finish (0: forever)."
)
