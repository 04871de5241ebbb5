"""Build the project in a database: what verify, diff and the pytest plugin all start from.

Check that the engine has every extension the project creates, install the
target's shim, then apply every migration and repeatable definition with the
same code as `sqlkit apply`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import psycopg

from sqlkit.config import Settings
from sqlkit.engines.base import Server
from sqlkit.engines.shim import install_shim
from sqlkit.errors import EngineError
from sqlkit.files import MigrationFile, discover
from sqlkit.migrate.apply import Progress, apply_files
from sqlkit.sql.source import Source
from sqlkit.sql.split import Statement

# a scratch database is built many files to a query (each still its own transaction):
# 1,000 one-function files take 0.19 s instead of 0.27 s, 50 as good as 200
FILES_PER_ROUND_TRIP = 50
_MENTIONS_EXTENSION = re.compile(r"create\s+extension", re.I)  # a cheap look first


def required_extensions(files: list[MigrationFile]) -> list[tuple[str, str]]:
    """(extension, file) for every CREATE EXTENSION statement of the project: as the parser
    reads it, so one in a comment, a string or a function body is not required."""
    from sqlkit.sql.source import Source
    from sqlkit.sql.split import parse_statements

    found: list[tuple[str, str]] = []
    for file in files:
        if not _MENTIONS_EXTENSION.search(file.sql):
            continue
        source = Source(file.display, file.sql)
        for statement in parse_statements(source, kinds={"CreateExtensionStmt"}):
            if statement.kind == "CreateExtensionStmt" and statement.node is not None:
                found.append((str(statement.node.get("extname", "")), file.display))
    return found


def check_extensions(conn: psycopg.Connection, files: list[MigrationFile], engine: str) -> None:
    """A project that needs an extension the engine lacks gets told which, and what to do."""
    available = {
        row[0] for row in conn.execute("select name from pg_catalog.pg_available_extensions")
    }
    for name, path in required_extensions(files):
        if name not in available:
            raise EngineError(
                f"{path} needs the extension {name!r}, which the {engine} engine does not have",
                hint="set engine = \"local\" in [tool.sqlkit] to use the system's PostgreSQL (Debian's "
                "packages ship full contrib; postgres_bin picks the binaries), or --engine docker "
                "with an image that has it",
            )


def build(
    server: Server,
    dbname: str,
    settings: Settings,
    *,
    engine: str,
    files: list[MigrationFile] | None = None,
    before_apply: Sequence[str] = (),
    progress: Progress | None = None,
    parsed: dict[Path, tuple[Source, list[Statement]]] | None = None,
) -> list[MigrationFile]:
    """Extensions checked, shim installed, `before_apply` SQL run, the project applied.
    `parsed` is `check_files(files)`, when the caller did it while the server started.

    Returns the files applied, in order.
    """
    files = discover(settings) if files is None else files
    with server.session(dbname) as conn:
        check_extensions(conn, files, engine)
        install_shim(conn, settings.target, settings.exposed_schemas)
        for text in before_apply:
            conn.execute(text.encode())
        result = apply_files(
            conn,
            settings,
            files=files,
            progress=progress,
            parsed=parsed,
            files_per_round_trip=FILES_PER_ROUND_TRIP,
        )
    return [file for file, _ in result.applied]
