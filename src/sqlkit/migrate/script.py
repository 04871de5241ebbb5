"""Run a SQL script statement by statement, so an error names its file line."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from sqlkit.sql.source import Source
from sqlkit.sql.split import Statement, parse_statements


@dataclass
class ScriptError(Exception):
    """A statement of a script failed: where, and the server's words."""

    line: int
    message: str
    sqlstate: str | None

    def __str__(self) -> str:
        return self.message


def describe(exc: psycopg.Error) -> str:
    diag = exc.diag
    message = diag.message_primary or (str(exc).strip().splitlines() or ["unknown error"])[0]
    if diag.message_detail:
        message += f" — {diag.message_detail.strip()}"
    if diag.context:
        message += f" ({diag.context.strip().splitlines()[-1]})"
    return message


def run_script(
    conn: psycopg.Connection, source: Source, statements: list[Statement] | None = None
) -> int:
    """Execute every statement of `source` on `conn` (parsed already, or here); returns how many ran."""
    if statements is None:
        statements = parse_statements(source)
    count = 0
    for stmt in statements:
        text = source.parse_text[stmt.start : stmt.end]
        if not text.strip():
            continue
        try:
            conn.execute(text.encode())
        except psycopg.Error as exc:
            line = source.position(stmt.start)[0]
            position = exc.diag.statement_position
            if position and position.isdigit():
                line = source.position(stmt.start + int(position) - 1)[0]
            raise ScriptError(line, describe(exc), exc.diag.sqlstate) from exc
        count += 1
    return count
