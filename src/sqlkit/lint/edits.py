"""Building the text edits of a fix: insertions, replacements and new statements, written
in the file's own keyword case (the rules that know a fix use these; `sqlkit.lint.fix`
applies them)."""

from __future__ import annotations

from sqlkit.lint.finding import Edit
from sqlkit.model.events import Origin
from sqlkit.sql.source import Range


def replace(path: str, where: Range, content: str) -> Edit:
    return Edit(path, *where, content)


def insert(path: str, where: Range, content: str) -> Edit:
    """Insert `content` at the start of `where`."""
    return Edit(path, where[0], where[1], where[0], where[1], content)


def after_statement(origin: Origin, sql: str) -> Edit | None:
    """A new statement on its own line after the statement of `origin`; None where none may
    go (inside a DO block, after a statement without a semicolon)."""
    if origin.after is None:
        return None
    return insert(origin.path, origin.after, "\n" + sql)


def keywords(sql: str, upper: bool) -> str:
    """`sql` as written in lower case, upper-cased when the file writes keywords that way.
    Only for text made of keywords: identifiers go in afterwards."""
    return sql.upper() if upper else sql
