"""The `sqlkit` command (and `python -m sqlkit`)."""

from __future__ import annotations

import sys

from sqlkit import __version__


def main() -> None:
    """Run the command line; `sqlkit --version` answers before it loads (its imports, Typer
    first, are most of a short command's time)."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"sqlkit {__version__}\n")
        return
    from sqlkit.cli import app

    try:
        app()
    except SystemExit as exc:
        _end(exc.code)
    _end(0)


def _end(code: str | int | None) -> None:
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
