"""The one place errors become exit codes and one-line messages; options the commands share."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

from sqlkit.config import Settings, load_settings, timeout_seconds
from sqlkit.errors import ConfigError, InputError, SqlkitError, database_error

REPORT_URL = "https://github.com/sqlkit-dev/sqlkit/issues"


def fail(error: SqlkitError) -> int:
    """Print a SqlkitError as one line on stderr; its exit code."""
    message = f"error: {error.message}" if error.exit_code != 130 else error.message
    if error.hint:
        message += f" — {error.hint}"
    typer.echo(_one_line(message), err=True)
    return error.exit_code


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _usage_error(exc: Exception) -> int | None:
    """Click's usage errors (unknown option, missing argument, bad value) as one line; exit 2.

    Recognised by shape rather than class: Typer vendors its own copy of click.
    """
    if not (hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)):
        return None
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # `sqlkit` alone: the help, as asked
        typer.echo(exc.format_message())
        return 0
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    typer.echo(f"error: {_one_line(exc.format_message())}{where}", err=True)
    return int(exc.exit_code)  # type: ignore[attr-defined]


def run_guarded(func: Callable[[], object]) -> NoReturn:
    """The one place errors become exits: a SqlkitError is one line and its exit code,
    a usage error one line and 2, Ctrl-C/SIGTERM 130, anything else a bug (exit 3)."""
    try:
        code = func()
    except SqlkitError as error:
        raise SystemExit(fail(error)) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:
        usage = _usage_error(exc)
        if usage is not None:
            raise SystemExit(usage) from None
        known = explain_exception(exc)
        if known is not None:
            raise SystemExit(fail(known)) from None
        if os.environ.get("SQLKIT_DEBUG") or "--verbose" in sys.argv or "-v" in sys.argv:
            import traceback

            traceback.print_exc()
        typer.echo(
            f"internal error: {_one_line(repr(exc))[:500]} — this is a bug in sqlkit; please report "
            f"it at {REPORT_URL} (run again with --verbose for the traceback)",
            err=True,
        )
        raise SystemExit(3) from None
    if code == 130:  # Typer turns Ctrl-C inside a command into exit 130, silently
        typer.echo("interrupted", err=True)
    raise SystemExit(code if isinstance(code, int) else 0)


def explain_exception(exc: BaseException) -> SqlkitError | None:
    """Exceptions a user's environment causes, not sqlkit: a path that cannot be written,
    a database that refuses or goes away."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return InputError(
            f"{exc.filename}: {exc.strerror or exc}", hint="check the path and its permissions"
        )
    return database_error(exc)


def writable(path: Path, option: str) -> Path:
    """Refuse, before any work, an output path that cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder", hint="give a file path")
    if not parent.is_dir():
        raise InputError(f"{option} {path}: folder {parent} does not exist", hint="create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{option} {path}: not writable", hint="pick a writable path")
    return path


def write_text(path: Path, text: str, option: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{option} {path}: {exc.strerror}", hint="pick a writable path") from None


def console(*, stderr: bool = False) -> Console:
    """Rich output that never re-wraps lines (pipes, CI logs): the terminal wraps, not rich."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


class LazyConsole:
    """A console made on first use: importing rich costs every command, printing only some."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = console(stderr=self._stderr)
        return getattr(self._console, name)


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
ConfigOption = typer.Option(
    None,
    "--config",
    help="A sqlkit.toml or pyproject.toml to read; its folder is the project root (the folders it names are under it).",
)


def checked_timeout(value: float, option: str, zero_means: str = "no limit") -> float:
    """A timeout option's seconds, validated like the config's (exit 2 when out of range)."""
    try:
        return timeout_seconds(value, option, zero_means=zero_means)
    except ConfigError as exc:
        raise InputError(exc.message) from None


def _lock_timeout(value: float) -> float:
    return checked_timeout(value, "--lock-timeout", "wait forever")


LockOption = typer.Option(
    60.0,
    "--lock-timeout",
    help="Seconds to wait for another apply to finish (0: forever).",
    callback=_lock_timeout,
)


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise InputError(f"unknown {option} {value!r}", hint=f"use {', '.join(allowed)}")
    return value


def _engine(value: str | None) -> str | None:
    from sqlkit.config import ENGINE_NAMES

    return None if value is None else choice(value, ENGINE_NAMES, "--engine")


EngineOption = typer.Option(
    None,
    "--engine",
    "-e",
    help="embedded (default), local, docker or dsn; also $SQLKIT_ENGINE or `engine` in the config.",
    callback=_engine,
)
VerboseOption = typer.Option(
    False, "--verbose", "-v", help="On an internal error, print the traceback."
)
