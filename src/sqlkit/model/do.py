"""DO blocks: their static SQL statements become events like top-level statements.

`DO $$ begin if not exists (...) then create policy ...; end if; grant ...; end $$`
is how many migrations make a step idempotent. Each statement the PL/pgSQL parser
finds (`PLpgSQL_stmt_execsql`) is parsed again where it sits in the file and handed
to the same extraction as a top-level statement, so its findings point at its own
line. Choices:

- a statement under a condition (IF, CASE, a loop, an exception block) is taken as
  having run: the model cannot know the condition, and the statement is what the
  author meant to happen;
- `EXECUTE` of a string (dynamic SQL) stays out of the model, as at top level;
- a body written as a single-quoted string (quotes doubled inside) is not read, because
  its statements are not the file's text; dollar-quote it;
- `SELECT ... INTO v` there fills a variable: it creates no table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pglast import parser as pg_parser

from sqlkit.model.events import Event, Origin
from sqlkit.sql.fastjson import loads
from sqlkit.sql.plpgsql import PlpgsqlBody
from sqlkit.sql.source import Source
from sqlkit.sql.split import Statement, parse_statements
from sqlkit.sql.tree import Node, def_elems

Extract = Callable[[Source, list[Statement]], list[Event]]


def do_block_events(source: Source, stmt: Statement, node: Node, extract: Extract) -> list[Event]:
    body = ""
    language = "plpgsql"
    for opt in def_elems(node.get("args")):
        if opt.get("defname") == "as":
            body = opt.get("arg", {}).get("String", {}).get("sval", "")
        elif opt.get("defname") == "language":
            language = opt.get("arg", {}).get("String", {}).get("sval", "").lower()
    if language != "plpgsql" or not body.strip():
        return []
    text = source.parse_text
    body_offset = text.find(body, stmt.start, stmt.end)
    if body_offset == -1:
        return []  # a quoted body: its statements are not the file's text
    try:
        tree = loads(pg_parser.parse_plpgsql_json(text[stmt.start : stmt.end]))
    except Exception:  # a body the PL/pgSQL parser rejects: nothing to model
        return []
    plb = PlpgsqlBody(source, body, body_offset)
    regions: list[tuple[int, int]] = []
    for query, lineno in _static_statements(tree):
        found = plb.find(query, lineno)
        if found is None:
            continue
        start = body_offset + found
        end = start + len(query.rstrip())
        semicolon = text.find(";", end, stmt.end)
        if semicolon != -1 and not text[end:semicolon].strip():
            end = semicolon + 1
        if not regions or start >= regions[-1][1]:
            regions.append((start, end))
    if not regions:
        return []
    masked = Source(path=source.path, text=source.text, parse_text=_mask(text, regions))
    from sqlkit.model.extract import KINDS

    events = extract(masked, parse_statements(masked, kinds=KINDS))
    for event in events:
        event.origin = Origin(event.origin.path, stmt.index, event.origin.span)
    return events


def _static_statements(tree: Any) -> Iterator[tuple[str, int]]:
    """(query, line in the body) of every static SQL statement, in order, at any depth."""
    stack: list[tuple[Any, int]] = [(tree, 0)]
    found: list[tuple[int, int, str]] = []  # (line, order, query) to restore text order
    order = 0
    while stack:
        value, lineno = stack.pop()
        if isinstance(value, list):
            stack.extend((item, lineno) for item in reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        for key, inner in value.items():
            if key == "PLpgSQL_stmt_execsql" and isinstance(inner, dict):
                if inner.get("into"):
                    continue  # SELECT ... INTO a variable: an assignment, not a new table
                expr = inner.get("sqlstmt", {}).get("PLpgSQL_expr", {})
                query = expr.get("query", "")
                if query.strip():
                    found.append((inner.get("lineno", lineno) or lineno, order, query))
                    order += 1
            elif isinstance(inner, (dict, list)):
                line = inner.get("lineno", lineno) if isinstance(inner, dict) else lineno
                stack.append((inner, line or lineno))
    for lineno, _, query in sorted(found):
        yield query, lineno


def _mask(text: str, regions: list[tuple[int, int]]) -> str:
    """`text` with everything outside `regions` blanked (newlines kept, so offsets and lines
    still point into the file)."""
    pieces: list[str] = []
    position = 0
    for start, end in regions:
        pieces.append(_blank(text[position:start]))
        pieces.append(text[start:end])
        position = end
    pieces.append(_blank(text[position:]))
    return "".join(pieces)


def _blank(segment: str) -> str:
    return "\n".join(" " * len(line) for line in segment.split("\n"))
