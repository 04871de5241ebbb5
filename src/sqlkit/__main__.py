"""The `sqlkit` command (and `python -m sqlkit`)."""

from __future__ import annotations

import sys
from typing import NoReturn

from sqlkit import __version__


def main() -> None:
    """Run the command line; `sqlkit --version` answers before it loads (its imports, Typer
    first, are most of a short command's time)."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"sqlkit {__version__}\n")
        return
    from sqlkit.signals import signals_held

    try:
        # held while modules load: an exception raised in the middle of an import can leave
        # Python's import lock taken, and the thread preparing the engine waits forever
        with signals_held():
            if sys.argv[1:2] in (["verify"], ["diff"]):
                _prepare_engine_ahead(sys.argv[1], sys.argv[2:])
            from sqlkit.cli import app
        app()
    except SystemExit as exc:
        _end(exc.code)
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM in verify and diff) before a command ran
        sys.stderr.write("interrupted\n")
        _end(130)
    _end(0)


# the option that names the server each verb's engine would use instead of starting one
_ENGINE_DSN_OPTION = {"verify": "--dsn", "diff": "--scratch-dsn"}


def _prepare_engine_ahead(verb: str, args: list[str]) -> None:
    """`sqlkit verify` and `sqlkit diff` start a server: begin its initdb (or the copy of the
    cached one) now, while the command line loads, from a cheap reading of the options. A
    wrong guess costs only the work: the command resolves its engine itself and takes this
    one only if it serves (`engines.ahead`); at exit what nobody took is removed."""
    if "-h" in args or "--help" in args:
        return
    options: dict[str, str] = {}
    for index, arg in enumerate(args):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if name in ("--engine", "-e", "--config", _ENGINE_DSN_OPTION[verb]):
            if not equals:
                value = args[index + 1] if index + 1 < len(args) else ""
            options["--engine" if name == "-e" else name] = value
    import signal
    from pathlib import Path

    from sqlkit.engines.ahead import prepare_ahead

    # SIGTERM unwinds like Ctrl-C from now on (what the command sets up later anyway), so
    # what is being prepared is removed
    signal.signal(signal.SIGTERM, _interrupt)
    config = options.get("--config")
    prepare_ahead(
        Path(config) if config else None,
        options.get("--engine"),
        options.get(_ENGINE_DSN_OPTION[verb]),
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _end(code: str | int | None) -> NoReturn:
    """End the process as `sys.exit(code)` would, without the interpreter's teardown: freeing
    every module and object of the database driver, the parser and the lint engine costs
    0.05-0.15 s after the command's work is done. atexit handlers still run and the standard
    streams are flushed; threads still running (only after an error) are not waited for.
    Under a profiler, a coverage tool or a debugger it is a plain `sys.exit`."""
    import atexit
    import os

    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler, coverage or a debugger reports when the process winds down
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`sqlkit lint | head`): what was wanted was read
        pass
    os._exit(status)


if __name__ == "__main__":
    main()
