"""Find versioned migrations and repeatable definitions, rendered and checksummed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlkit.config import Settings
from sqlkit.errors import InputError

_VERSIONED = re.compile(r"^(\d+)_(.+?)\.sql(\.j2)?$")
NO_TRANSACTION = re.compile(r"^\s*--\s*sqlkit:\s*no-transaction\b", re.IGNORECASE)


@dataclass(frozen=True)
class MigrationFile:
    """One file to apply: versioned (applied once) or repeatable (re-applied when changed)."""

    kind: str  # "versioned" | "repeatable"
    version: str | None
    name: str  # the description of a versioned file; the path of a repeatable one
    path: Path
    display: str  # path relative to the project root
    sql: str  # rendered text
    checksum: str
    no_transaction: bool

    @property
    def label(self) -> str:
        return f"{self.version} {self.name}" if self.version else self.name


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _render(path: Path, settings: Settings) -> str:
    if path.name.endswith(".sql.j2"):
        from sqlkit.render.render import Renderer

        return Renderer.for_settings(settings).render_source(path)
    return path.read_text(encoding="utf-8")


def _sql_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and (p.name.endswith(".sql") or p.name.endswith(".sql.j2"))
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    # a rendered twin (x.sql next to x.sql.j2) is applied through its template
    templates = {p.with_suffix("") for p in files if p.name.endswith(".sql.j2")}
    return sorted(p for p in files if p not in templates)


def discover(settings: Settings) -> list[MigrationFile]:
    """Versioned migrations by version, then functions/, triggers/, policies/ in path order."""
    root = settings.root
    out: list[MigrationFile] = []
    seen: dict[int, Path] = {}
    versioned: list[tuple[int, MigrationFile]] = []
    for path in _sql_files(settings.folder("migrations")):
        match = _VERSIONED.match(path.name)
        display = str(path.relative_to(root))
        if not match:
            raise InputError(
                f"{display}: a migration needs a version prefix",
                hint="name it <digits>_<name>.sql, e.g. 20250101120000_create_students.sql",
            )
        number = int(match.group(1))
        if number in seen:
            raise InputError(
                f"{display}: version {match.group(1)} is also used by "
                f"{seen[number].relative_to(root)}",
                hint="give each migration its own version",
            )
        seen[number] = path
        text = _render(path, settings)
        versioned.append(
            (
                number,
                MigrationFile(
                    "versioned",
                    match.group(1),
                    match.group(2),
                    path,
                    display,
                    text,
                    checksum(text),
                    bool(NO_TRANSACTION.match(text)),
                ),
            )
        )
    out.extend(item for _, item in sorted(versioned, key=lambda pair: pair[0]))
    for folder in ("functions", "triggers", "policies"):
        for path in _sql_files(settings.folder(folder)):
            display = str(path.relative_to(root))
            text = _render(path, settings)
            out.append(
                MigrationFile(
                    "repeatable",
                    None,
                    display,
                    path,
                    display,
                    text,
                    checksum(text),
                    bool(NO_TRANSACTION.match(text)),
                )
            )
    return out
