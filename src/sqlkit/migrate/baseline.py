"""`sqlkit baseline`: adopt a database whose migrations were applied some other way.

Records versioned migrations as applied — with the checksums of the files as they are now,
marked `baselined` — without running a line of them: up to a version (`--version V`), or
exactly the versions the Supabase CLI recorded (`--from-supabase`). `status` and `apply`
then see only what is really pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from sqlkit.config import Settings
from sqlkit.errors import InputError
from sqlkit.files import MigrationFile, Version, discover
from sqlkit.migrate.history import (
    acquire_lock,
    ensure_history,
    latest_successful,
    read_history,
    release_lock,
    upgrade_history,
)

SUPABASE_HISTORY = "supabase_migrations.schema_migrations"


@dataclass
class BaselineResult:
    source: str  # what the versions came from, for the report
    recorded: list[MigrationFile] = field(default_factory=list)
    already: list[MigrationFile] = field(default_factory=list)  # in sqlkit's history before
    without_file: list[str] = field(default_factory=list)  # Supabase versions with no file here
    upgraded: list[str] = field(default_factory=list)  # history columns added
    dry_run: bool = False


def supabase_versions(conn: psycopg.Connection) -> list[tuple[Version, str]]:
    """(version, name) of every migration the Supabase CLI recorded as applied.

    The CLI's table is `supabase_migrations.schema_migrations(version text primary key,
    statements text[], name text)`; `name` came in a later CLI version, so it may be missing.
    """
    columns = {
        row[0]
        for row in conn.execute(
            "select a.attname from pg_catalog.pg_attribute a "
            "join pg_catalog.pg_class c on c.oid = a.attrelid "
            "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'supabase_migrations' and c.relname = 'schema_migrations' "
            "and a.attnum > 0 and not a.attisdropped"
        )
    }
    if "version" not in columns:
        raise InputError(
            f"no Supabase CLI history in this database: {SUPABASE_HISTORY} does not exist",
            hint="check the DSN, or baseline up to a version with --version V",
        )
    name = "coalesce(name, '')" if "name" in columns else "''"
    rows = conn.execute(f"select version, {name} from {SUPABASE_HISTORY} order by version")
    out: list[tuple[Version, str]] = []
    for version, label in rows:
        text = str(version).strip()
        if not text.isdigit():
            raise InputError(
                f"{SUPABASE_HISTORY} has version {version!r}, which is not a number",
                hint="sqlkit's versions are the digits before the first `_` of a file name",
            )
        out.append((Version(text), str(label)))
    return out


def chosen_files(
    files: list[MigrationFile], version: str | None, recorded: list[tuple[Version, str]] | None
) -> tuple[list[MigrationFile], list[str]]:
    """The versioned files to baseline, and the recorded versions that have no file here."""
    versioned = [file for file in files if file.kind == "versioned"]
    if version is not None:
        if not version.isdigit():
            raise InputError(
                f"--version {version!r} is not a migration version",
                hint="give the digits before the `_` of a file name, e.g. --version 20240101120000",
            )
        number = Version(version).number
        if not any(file.version_number == number for file in versioned):
            raise InputError(
                f"--version {version}: no migration has that version",
                hint="`sqlkit status` lists the migrations and their versions",
            )
        return [file for file in versioned if (file.version_number or 0) <= number], []
    assert recorded is not None
    numbers = {v.number for v, _ in recorded}
    local = {file.version_number for file in versioned}
    without_file = [
        f"{v.text}_{name}" if name else v.text for v, name in recorded if v.number not in local
    ]
    return [file for file in versioned if file.version_number in numbers], without_file


def baseline(
    conn: psycopg.Connection,
    settings: Settings,
    *,
    version: str | None = None,
    from_supabase: bool = False,
    dry_run: bool = False,
    lock_timeout: float = 60.0,
) -> BaselineResult:
    """Record migrations as applied without running them; see the module's docstring."""
    if (version is None) == (not from_supabase):
        raise InputError(
            "say which migrations the database already has",
            hint="pass --version V (every migration up to V) or --from-supabase",
        )
    files = discover(settings)
    recorded = supabase_versions(conn) if from_supabase else None
    wanted, without_file = chosen_files(files, version, recorded)
    result = BaselineResult(
        source=SUPABASE_HISTORY if from_supabase else f"every migration up to version {version}",
        without_file=without_file,
        dry_run=dry_run,
    )
    if dry_run:
        _split(result, wanted, conn)
        return result
    acquire_lock(conn, lock_timeout)
    try:
        ensure_history(conn)
        result.upgraded = upgrade_history(conn)
        _split(result, wanted, conn)
        with conn.transaction():
            for file in result.recorded:
                conn.execute(
                    "insert into sqlkit.schema_history (version, kind, name, checksum, "
                    "execution_ms, success, baselined) values (%s, 'versioned', %s, %s, 0, true, true)",
                    (file.version, file.name, file.checksum),
                )
        return result
    finally:
        release_lock(conn)


def _split(result: BaselineResult, wanted: list[MigrationFile], conn: psycopg.Connection) -> None:
    """Which of `wanted` are new to the history, and which it has already (by version)."""
    latest = latest_successful(read_history(conn))
    for file in wanted:
        known = ("versioned", file.version_number or 0) in latest
        (result.already if known else result.recorded).append(file)
