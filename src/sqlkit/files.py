"""Finding and ordering project files: ONE definition of a migration version, for lint and apply.

A versioned migration is named `<version>_<description>.sql` (or `.sql.j2`), where
the version is a run of digits, optionally after a `V` (Flyway's `V2__name.sql`).
A version is a number: `2_x.sql` and `02_x.sql` are the same version, so
renaming one into the other is a rename, never a new migration. Versioned files
run in version order; repeatable definitions (`functions/`, `triggers/`,
`policies/`) follow in path order. Lint replays files in exactly this order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlkit.config import Settings, duration_seconds
from sqlkit.errors import ConfigError, InputError

_VERSIONED = re.compile(r"^[Vv]?(\d+)_{1,2}(.+?)\.sql(?:\.j2)?$")
NO_TRANSACTION = re.compile(r"^\s*--\s*sqlkit:\s*no-transaction\b", re.IGNORECASE)
REPEATABLE_FOLDERS = ("functions", "triggers", "policies")


@dataclass(frozen=True)
class Version:
    """A migration's version: the digits as written, compared as a number."""

    text: str

    @property
    def number(self) -> int:
        return int(self.text)


def parse_versioned(name: str) -> tuple[Version, str] | None:
    """(version, description) of a versioned migration's file name, or None."""
    match = _VERSIONED.match(name)
    if match is None:
        return None
    return Version(match.group(1)), match.group(2)


def is_sql(name: str) -> bool:
    return name.endswith(".sql") or name.endswith(".sql.j2")


def sql_files(folder: Path) -> list[Path]:
    """SQL files and templates under `folder`, in path order, hidden folders skipped.

    A rendered twin (`x.sql` beside `x.sql.j2`) is represented by its template.
    """
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and is_sql(p.name)
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    templates = {p.with_suffix("") for p in found if p.name.endswith(".sql.j2")}
    return sorted(p for p in found if p not in templates)


def order_key(path: str, settings: Settings) -> tuple[int, int, str]:
    """Sort key for lint inputs: versioned migrations by version, then repeatable folders,
    then everything else, each by path."""
    parts = Path(path).parts
    folders = [settings.folder(name).name for name in REPEATABLE_FOLDERS]
    parsed = parse_versioned(Path(path).name)
    in_repeatable = any(folder in parts for folder in folders)
    if parsed is not None and not in_repeatable:
        return (0, parsed[0].number, path)
    for index, folder in enumerate(folders, start=1):
        if folder in parts:
            return (index, 0, path)
    return (len(folders) + 1, 0, path)


def is_repeatable(path: str, settings: Settings) -> bool:
    """Is the file a repeatable definition (under functions/, triggers/ or policies/, re-applied
    whenever it changes)? Everything else a project lints — its migrations, and files given
    on their own or on standard input — is taken as a migration, applied once."""
    return 1 <= order_key(path, settings)[0] <= len(REPEATABLE_FOLDERS)


def ordered(paths: Iterable[str], settings: Settings) -> list[str]:
    return sorted(paths, key=lambda path: order_key(path, settings))


# ----------------------------------------------------------------- files to apply
@dataclass(frozen=True)
class MigrationFile:
    """One file to apply: versioned (applied once) or repeatable (re-applied when changed)."""

    kind: str  # "versioned" | "repeatable"
    version: str | None  # the digits as written in the file name
    name: str  # the description of a versioned file; the path of a repeatable one
    path: Path
    display: str  # path relative to the project root
    sql: str  # rendered text
    checksum: str
    no_transaction: bool
    # `-- sqlkit: lock-timeout=5s` / `statement-timeout=1min` in the file's header (seconds)
    lock_timeout: float | None = None
    statement_timeout: float | None = None

    @property
    def label(self) -> str:
        return f"{self.version} {self.name}" if self.version else self.name

    @property
    def version_number(self) -> int | None:
        return int(self.version) if self.version is not None else None


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path, display: str) -> str:
    """A project file as UTF-8; anything else is refused with the offset of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{display}: cannot be read: {exc.strerror}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{display}: not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x})",
            hint="save the file as UTF-8; sqlkit never applies a file it cannot read exactly",
        ) from None


# `-- sqlkit: name=value` lines; `no-transaction` (first line) and lint's `ignore` take no `=`
_SETTING_DIRECTIVE = re.compile(
    r"^[ \t]*--[ \t]*sqlkit:[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*(\S*)", re.MULTILINE
)
TIMEOUT_DIRECTIVES = ("lock-timeout", "statement-timeout")
_HEADER_LINE = re.compile(r"[ \t]*(--[^\n]*)?(\n|$)")


def _header_end(text: str) -> int:
    """Offset where the file's header (blank and `--` comment lines at the top) ends."""
    offset = 0
    while offset < len(text):
        match = _HEADER_LINE.match(text, offset)
        if match is None or match.end() == offset:
            break
        offset = match.end()
    return offset


def file_timeouts(text: str, display: str) -> dict[str, float]:
    """The timeout directives of a file's header, as seconds by directive name.

    A directive after the first statement, an unknown `name=value` directive, a repeated one
    or a value without a unit is an input error naming the line: a typo must never leave a
    production migration without the guard rail its author wrote.
    """
    if "sqlkit:" not in text:
        return {}
    found: dict[str, float] = {}
    header_end = _header_end(text)
    for match in _SETTING_DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        name, value = match.group(1).lower(), match.group(2)
        where = f"{display}:{line}"
        if name not in TIMEOUT_DIRECTIVES:
            raise InputError(
                f"{where}: unknown directive `sqlkit: {name}=`",
                hint="known: `-- sqlkit: lock-timeout=5s`, `-- sqlkit: statement-timeout=1min`",
            )
        if match.start() >= header_end:
            raise InputError(
                f"{where}: `sqlkit: {name}` must be in the file's header, before the first statement",
                hint="it applies to the whole file: move it to the comment lines at the top",
            )
        if name in found:
            raise InputError(f"{where}: `sqlkit: {name}` is given twice", hint="keep one")
        try:
            found[name] = duration_seconds(value, f"{where}: `{name}`", unit_required=True)
        except ConfigError as exc:
            raise InputError(exc.message, hint=exc.hint) from None
    return found


def _render(path: Path, display: str, settings: Settings) -> str:
    if path.name.endswith(".sql.j2"):
        from sqlkit.render.render import Renderer

        return Renderer.for_settings(settings).render_text(read_text(path, display), display)
    return read_text(path, display)


def _file(
    kind: str, version: str | None, name: str, path: Path, settings: Settings
) -> MigrationFile:
    display = str(path.relative_to(settings.root))
    text = _render(path, display, settings)
    timeouts = file_timeouts(text, display)
    return MigrationFile(
        kind,
        version,
        name if kind == "versioned" else display,
        path,
        display,
        text,
        checksum(text),
        bool(NO_TRANSACTION.match(text)),
        timeouts.get("lock-timeout"),
        timeouts.get("statement-timeout"),
    )


def discover(settings: Settings) -> list[MigrationFile]:
    """Versioned migrations by version, then functions/, triggers/, policies/ in path order."""
    root = settings.root
    versioned: list[MigrationFile] = []
    seen: dict[int, Path] = {}
    folder = settings.existing_folder("migrations")
    for path in sql_files(folder) if folder else []:
        parsed = parse_versioned(path.name)
        if parsed is None:
            raise InputError(
                f"{path.relative_to(root)}: a migration needs a version prefix",
                hint="name it <digits>_<name>.sql, e.g. 20250101120000_create_students.sql",
            )
        version, description = parsed
        if version.number in seen:
            raise InputError(
                f"{path.relative_to(root)}: version {version.number} is also used by "
                f"{seen[version.number].relative_to(root)}",
                hint="give each migration its own version (versions are numbers: 2 and 02 are one)",
            )
        seen[version.number] = path
        versioned.append(_file("versioned", version.text, description, path, settings))
    versioned.sort(key=lambda file: file.version_number or 0)
    out = list(versioned)
    for name in REPEATABLE_FOLDERS:
        folder = settings.existing_folder(name)
        for path in sql_files(folder) if folder else []:
            out.append(_file("repeatable", None, "", path, settings))
    return out
