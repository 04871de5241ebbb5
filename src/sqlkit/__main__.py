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

    app()


if __name__ == "__main__":
    main()
