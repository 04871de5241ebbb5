"""Run a SQL script so that an error names its file line: statement by statement, or a
transactional file in one round trip."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import generators, pq

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


def _script_error(exc: psycopg.Error, source: Source, start: int, base: int = 0) -> ScriptError:
    """The error of the statement at file offset `start`, whose text begins at character
    `base` of the query sent: the server's error position (when it gives one) is the line."""
    line = source.position(start)[0]
    position = exc.diag.statement_position
    if position and position.isdigit():
        line = source.position(start + int(position) - 1 - base)[0]
    return ScriptError(line, describe(exc), exc.diag.sqlstate)


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
            raise _script_error(exc, source, stmt.start) from exc
        count += 1
    return count


_SEPARATOR = "\n;\n"  # a statement may end in a `--` comment: the `;` goes on a line of its own


@dataclass
class _Query:
    """One file as `BEGIN; before; its statements; after; COMMIT`: the text sent, and how
    to find the file's line from an error in it."""

    source: Source
    located: list[Statement]
    before: Sequence[str]
    after: Sequence[str]
    head: str
    body: str
    text: str

    @classmethod
    def of(
        cls,
        source: Source,
        statements: list[Statement],
        before: Sequence[str],
        after: Sequence[str],
    ) -> _Query:
        located = [stmt for stmt in statements if source.parse_text[stmt.start : stmt.end].strip()]
        head = "".join(text + _SEPARATOR for text in ("begin", *before))
        # the file's own text between its first and last statement: separators, comments and
        # blanked psql meta-commands included, so that an offset in it is an offset in the file
        body = source.parse_text[located[0].start : located[-1].end] if located else ""
        tail = "".join(_SEPARATOR + text for text in (*after, "commit"))
        return cls(source, located, before, after, head, body, head + body + tail)

    @property
    def results(self) -> int:
        """Results the server returns when every statement succeeds: one each."""
        return 2 + len(self.before) + len(self.located) + len(self.after)

    def error(self, error: psycopg.Error, failed: int, at: int) -> ScriptError | None:
        """The file's line of `error`, raised by this file's result `failed`, whose text
        begins at character `at` of the query sent; None for an error in sqlkit's own
        statements (`before`, `after`)."""
        first = self.located[0].start if self.located else 0
        position = error.diag.statement_position
        offset = (
            int(position) - 1 - at - len(self.head) if position and position.isdigit() else None
        )
        if offset is not None and 0 <= offset <= len(self.body):
            line = self.source.position(first + offset)[0]
        elif offset is None and 0 <= (index := failed - 1 - len(self.before)) < len(self.located):
            line = self.source.position(self.located[index].start)[0]
        else:
            return None
        return ScriptError(line, describe(error), error.diag.sqlstate)


def _send(conn: psycopg.Connection, text: str) -> list[pq.abc.PGresult]:
    try:
        with conn.lock:
            conn.pgconn.send_query(text.encode(conn.info.encoding))
            return conn.wait(generators.execute(conn.pgconn))
    except BaseException:
        rollback(conn)
        raise


def run_in_one_round_trip(
    conn: psycopg.Connection,
    source: Source,
    statements: list[Statement],
    *,
    before: Sequence[str] = (),
    after: Sequence[str] = (),
) -> None:
    """`BEGIN; before; the file's statements; after; COMMIT` as one simple-protocol query.

    The server runs the statements in order and stops at the first error; which one failed
    comes from the server's error position (an index into the query sent) or, for errors
    raised while running (no position), from how many statements completed before it: each
    completed statement returns one result. The file is never run a second time to find out.

    On failure the transaction is rolled back and a `ScriptError` names the file's line; an
    error in `before` or `after` (sqlkit's own statements) is raised as the psycopg error.
    """
    query = _Query.of(source, statements, before, after)
    results = _send(conn, query.text)
    failed = next((i for i, r in enumerate(results) if r.status == _FATAL), None)
    if failed is None:
        return
    error = psycopg.errors.error_from_result(results[failed], encoding=conn.info.encoding)
    rollback(conn)
    located = query.error(error, failed, 0)
    if located is None:
        raise error
    raise located from error


def run_files_in_one_round_trip(
    conn: psycopg.Connection,
    files: Sequence[tuple[Source, list[Statement], Sequence[str], Sequence[str]]],
) -> int:
    """Several files, each `BEGIN; before; its statements; after; COMMIT` as
    `run_in_one_round_trip` sends it, in one query: how many of them committed, from the
    first. The server stops at the first error (a syntax error anywhere stops it before
    anything runs), rolled back here; what failed is for the caller to run again on its
    own, which reports it as one file. Each file must parse whole: a file ending inside a
    quote or a comment would run on into the next one."""
    queries = [
        _Query.of(source, statements, before, after) for source, statements, before, after in files
    ]
    results = _send(conn, _SEPARATOR.join(query.text for query in queries))
    committed, seen = 0, 0
    for query in queries:
        seen += query.results
        if seen > len(results) or any(
            r.status == _FATAL for r in results[seen - query.results : seen]
        ):
            break
        committed += 1
    if committed < len(queries):
        rollback(conn)
    return committed


_FATAL = pq.ExecStatus.FATAL_ERROR


def quote_literal(conn: psycopg.Connection, value: str | None) -> str:
    """A SQL literal of `value`, escaped by libpq for this connection (NULL for None)."""
    if value is None:
        return "NULL"
    escaped = pq.Escaping(conn.pgconn).escape_literal(value.encode(conn.info.encoding))
    return escaped.decode(conn.info.encoding)


def rollback(conn: psycopg.Connection) -> None:
    """End whatever transaction a failed or interrupted query left open."""
    if conn.closed or conn.broken:
        return
    if conn.pgconn.transaction_status in (
        pq.TransactionStatus.INTRANS,
        pq.TransactionStatus.INERROR,
    ):
        with contextlib.suppress(psycopg.Error):
            conn.execute("rollback")
