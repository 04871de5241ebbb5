"""Canonical forms of SQL text, so that what differs only in layout compares equal.

SQL (statements, expressions, SQL-language bodies) compares as PostgreSQL's parse
tree with locations and statement lengths removed: whitespace, comments, keyword
case and redundant quoting disappear, anything that changes meaning stays.
PL/pgSQL and other procedural bodies compare as their token stream from
PostgreSQL's own scanner: comments and whitespace dropped, keywords and unquoted
identifiers case-folded, needlessly quoted identifiers unquoted.
"""

from __future__ import annotations

import functools
import re

from pglast import parser as pg_parser

# a location key starts after `{` or `,`; inside a JSON string a quote is escaped, so a
# string value can never contain the pattern
_LOCATIONS = re.compile(r'"(?:location|stmt_location|stmt_len)":-?\d+,?')
_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_$]*")
_SEPARATOR = "\x1f"


@functools.lru_cache(maxsize=8192)  # defaults and checks repeat across tables
def canonical_sql(text: str) -> str:
    """The parse tree of one or more statements, without positions; tokens if it does not parse."""
    try:
        tree = pg_parser.parse_sql_json(text)
    except pg_parser.ParseError:
        return "tokens:" + canonical_tokens(text)
    return "tree:" + _LOCATIONS.sub("", tree)


def canonical_expression(text: str | None) -> str:
    """A policy or default expression as printed by `pg_get_expr`."""
    if text is None:
        return ""
    return canonical_sql(f"select {text}")


# diff reads both sides in one process: a body git and the database share is scanned once
@functools.lru_cache(maxsize=16384)
def canonical_tokens(text: str) -> str:
    """The scanner's tokens, without comments and with case folded where SQL folds it."""
    try:
        tokens = pg_parser.scan(text)
    except pg_parser.ParseError:  # e.g. an unterminated quote: compare the text itself
        return " ".join(text.split())
    out: list[str] = []
    for token in tokens:
        if token.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if token.kind != "NO_KEYWORD":
            out.append(token.name)
            continue
        piece = text[token.start : token.end + 1]  # pglast gives character offsets
        if token.name == "IDENT":
            if piece.startswith('"'):
                inner = piece[1:-1]
                piece = inner if _PLAIN_IDENT.fullmatch(inner) else piece
            else:
                piece = piece.lower()
        out.append(piece)
    return _SEPARATOR.join(out)


def canonical_body(language: str, source: str, sql_body: str | None) -> str:
    """A function body: the parse tree for SQL, the token stream for procedural languages.

    `sql_body` is the deparsed `BEGIN ATOMIC` body (`pg_get_function_sqlbody`), when there is one.
    """
    if sql_body is not None:
        return canonical_atomic(sql_body)
    if language == "sql":
        return canonical_sql(source)
    if language in ("c", "internal"):
        return source.strip()
    return canonical_tokens(source)


def canonical_atomic(body: str) -> str:
    """A `BEGIN ATOMIC ... END` body: its statements' parse trees."""
    inner = body.strip()
    if inner.lower().startswith("begin atomic"):
        inner = inner[len("begin atomic") :]
    if inner.lower().endswith("end"):
        inner = inner[: -len("end")]
    return canonical_sql(inner)
