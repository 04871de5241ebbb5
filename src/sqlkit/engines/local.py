"""The `local` engine: the system's PostgreSQL server binaries (Debian's packages ship contrib)."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from sqlkit.engines.process import ProcessEngine
from sqlkit.errors import EngineError


def system_bindir(configured: str | None = None) -> Path | None:
    """postgres_bin setting, then initdb on PATH, then the newest /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    if configured:
        candidates.append(Path(configured))
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(os.path.realpath(found)).parent)
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(Path(v) for v in versions)
    for candidate in candidates:
        if (candidate / "postgres").exists() and (candidate / "initdb").exists():
            return candidate
    return None


def local_engine(postgres_bin: str | None = None) -> ProcessEngine:
    bindir = system_bindir(postgres_bin)
    if bindir is None:
        raise EngineError(
            "no system PostgreSQL found (postgres_bin, initdb on PATH, /usr/lib/postgresql/*/bin)",
            hint="install PostgreSQL (e.g. apt-get install postgresql) or set postgres_bin in [tool.sqlkit]",
        )
    return ProcessEngine(bindir, "local")
