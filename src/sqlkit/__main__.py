"""`python -m sqlkit` and the `sqlkit` console script."""

from __future__ import annotations

import sys


def main() -> None:
    """Import the CLI under a guard: Ctrl-C while Python loads it is not a traceback."""
    try:
        from sqlkit.cli import app
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    app()


if __name__ == "__main__":
    main()
