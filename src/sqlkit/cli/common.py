"""The one place that turns SqlkitError into an exit code and a one-line message."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from sqlkit.errors import SqlkitError

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
