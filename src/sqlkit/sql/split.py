"""Split a source into statements with exact positions, parsed by pglast (PostgreSQL's parser).

Fast path: the whole file goes to the parser once (JSON output). When the parser
rejects something, the file is split with a quote- and comment-aware scanner and
each piece is parsed alone, so one bad statement becomes one SK000 finding and
the rest of the file is still linted.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pglast import parser as pg_parser

from sqlkit.sql.fastjson import loads
from sqlkit.sql.secrets import HINT as SECRET_HINT
from sqlkit.sql.source import ByteMap, Source

Node = dict[str, Any]

# whitespace and comments before a statement's first token
_LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*")


@dataclass
class Parsed:
    """A text handed to the parser: where it starts in the file, and its byte map."""

    base: int
    bytemap: ByteMap

    def offset(self, byte_location: int) -> int:
        """File character offset of a parser location (bytes into the parsed text)."""
        return self.base + self.bytemap.to_char(max(byte_location, 0))


@dataclass
class Statement:
    """One top-level statement: its kind, parse tree (JSON form) and where it is."""

    index: int
    lead_start: int  # offset where its text begins, leading comments included
    start: int  # offset of its first token
    end: int  # offset just after its last character
    kind: str | None  # parse node type, e.g. "CreateFunctionStmt"; None when rejected
    node: Node | None
    parsed: Parsed | None
    error: tuple[str, int] | None = None  # parser message and file offset

    def text(self, source: Source) -> str:
        return source.text[self.start : self.end]


def _first_token(text: str, start: int, end: int) -> int:
    match = _LEADING.match(text, start, end)
    return match.end() if match else start


def _statements_from_json(
    source: Source, data: str, base: int, text: str, first_index: int
) -> list[Statement]:
    tree = loads(data)
    bytemap = ByteMap(text)
    parsed = Parsed(base, bytemap)
    out: list[Statement] = []
    full_len = len(text)
    for raw in tree.get("stmts", ()):
        loc = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0)
        lead = bytemap.to_char(loc)
        end = bytemap.to_char(loc + length) if length else full_len
        stmt = raw.get("stmt") or {}
        ((kind, node),) = stmt.items() if len(stmt) == 1 else ((None, None),)
        start = _first_token(text, lead, end)
        out.append(
            Statement(
                index=first_index + len(out),
                lead_start=base + lead,
                start=base + start,
                end=base + end,
                kind=kind,
                node=node,
                parsed=parsed,
            )
        )
    return out


# In pglast's JSON a quote inside a string is escaped, so these keys cannot occur in values.
_STMT_START = re.compile(r'\{"stmt":\{"(\w+)":')
_STMT_LOCATION = re.compile(r'"stmt_location":(\d+)')
_STMT_LEN = re.compile(r'"stmt_len":(\d+)')
_ALTER_TABLE_MODEL_CMDS = re.compile(
    r'"subtype":"AT_(?:\w*RowSecurity|SetRelOptions|ResetRelOptions)"'
)
_RELATION = re.compile(r'"relation":(\{[^{}]*\})')


def _slim_node(kind: str, obj_text: str) -> Any | None:
    """The parse tree of one statement from its JSON text, loading only what the model needs."""
    if kind == "CreateStmt":
        # Column definitions can be large; the model needs the table's name and kind only.
        match = _RELATION.search(obj_text)
        if match is None:
            return loads(obj_text)["stmt"][kind]
        node: dict[str, Any] = {"relation": loads(match.group(1))}
        if '"partspec":' in obj_text:
            node["partspec"] = True
        return node
    if (
        kind == "AlterTableStmt"
        and not _ALTER_TABLE_MODEL_CMDS.search(obj_text)
        and not SECRET_HINT.search(obj_text)
    ):
        return None
    if kind == "SelectStmt" and '"intoClause"' not in obj_text and '"set_config"' not in obj_text:
        return None  # the model needs SELECT ... INTO and set_config(...) only
    return loads(obj_text)["stmt"][kind]


def _statements_from_whole_json(
    source: Source, data: str, text: str, kinds: Collection[str] | None
) -> list[Statement]:
    """Statements of a file parsed in one call, loading JSON only for the kinds asked for."""
    bytemap = ByteMap(text)
    parsed = Parsed(0, bytemap)
    starts = [(m.start(), m.group(1)) for m in _STMT_START.finditer(data)]
    out: list[Statement] = []
    previous_end = 0
    full = len(text)
    for index, (json_start, kind) in enumerate(starts):
        json_end = starts[index + 1][0] - 1 if index + 1 < len(starts) else data.rindex("]")
        obj_text = data[json_start:json_end]
        tail = obj_text[-48:]
        loc_match = _STMT_LOCATION.search(tail)
        len_match = _STMT_LEN.search(tail)
        location = int(loc_match.group(1)) if loc_match else 0
        length = int(len_match.group(1)) if len_match else 0
        lead = bytemap.to_char(location)
        end = bytemap.to_char(location + length) if length else full
        start = _first_token(text, lead, end)
        node = None
        if kinds is None or kind in kinds:
            node = loads(obj_text)["stmt"][kind] if kinds is None else _slim_node(kind, obj_text)
        out.append(
            Statement(
                len(out),
                lead,
                start,
                end,
                kind if node is not None else "",
                node,
                parsed if node is not None else None,
            )
        )
        previous_end = end
    del previous_end
    return out


def parse_statements(
    source: Source, *, kinds: Collection[str] | None = frozenset()
) -> list[Statement]:
    """Parse every statement of a source; rejected statements carry `error`.

    Only statements of `kinds` get their parse tree (`None`: every statement);
    the others are syntax-checked and located, with `kind` "" and no tree. The
    model asks for the kinds it extracts events from (`sqlkit.model.extract.KINDS`).
    """
    text = source.parse_text
    try:
        data = pg_parser.parse_sql_json(text)
    except pg_parser.ParseError:
        data = None
    except Exception:  # pragma: no cover - parser internals; use the slow path
        data = None
    if data is not None:
        return _statements_from_whole_json(source, data, text, kinds)
    statements: list[Statement] = []
    for lead, end in split_text(text):
        piece = text[lead:end]
        if not piece.strip():
            continue
        # a trailing ';' is part of the piece; the parser accepts it
        try:
            got = _statements_from_json(
                source, pg_parser.parse_sql_json(piece), lead, piece, len(statements)
            )
        except pg_parser.ParseError as exc:
            message = str(exc.args[0]) if exc.args else str(exc)
            location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
            start = _first_token(text, lead, end)
            err_at = lead + location if location is not None else start
            stop = end - 1 if text[end - 1 : end] == ";" else end
            statements.append(
                Statement(
                    index=len(statements),
                    lead_start=lead,
                    start=start,
                    end=max(stop, start + 1),
                    kind=None,
                    node=None,
                    parsed=None,
                    error=(message, min(err_at, max(stop - 1, start))),
                )
            )
            continue
        except Exception as exc:  # the parser must never take the run down
            start = _first_token(text, lead, end)
            statements.append(
                Statement(
                    len(statements),
                    lead,
                    start,
                    end,
                    None,
                    None,
                    None,
                    error=(f"the parser failed on this statement: {exc}", start),
                )
            )
            continue
        statements.extend(got)
    return statements


_WORD = re.compile(r"[^\W\d][\w$]*")
_DOLLAR = re.compile(r"\$([^\W\d]\w*)?\$")


def split_text(text: str) -> list[tuple[int, int]]:
    """Split SQL text at top-level semicolons (quote, comment and BEGIN ATOMIC aware).

    Returns (start, end) pairs; `end` includes the semicolon. Unterminated quotes
    or comments run to the end of the text, so nothing is ever lost.
    """
    pieces: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    start = 0
    atomic_depth = 0
    prev_word = ""
    while i < n:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            nl = text.find("\n", i)
            i = n if nl == -1 else nl + 1
            continue
        if ch == "/" and text.startswith("/*", i):
            depth = 1
            j = i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth += 1
                    j += 2
                elif text.startswith("*/", j):
                    depth -= 1
                    j += 2
                else:
                    j += 1
            i = j
            continue
        if ch == "'":
            escapes = i > 0 and text[i - 1] in "eE" and (i < 2 or not text[i - 2].isalnum())
            j = i + 1
            while j < n:
                c = text[j]
                if escapes and c == "\\":
                    j += 2
                    continue
                if c == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            continue
        if ch == '"':
            j = text.find('"', i + 1)
            while j != -1 and j + 1 < n and text[j + 1] == '"':
                j = text.find('"', j + 2)
            i = n if j == -1 else j + 1
            continue
        if ch == "$":
            match = _DOLLAR.match(text, i)
            if match and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                tag = match.group(0)
                close = text.find(tag, match.end())
                i = n if close == -1 else close + len(tag)
                continue
            i += 1
            continue
        if ch == ";":
            if atomic_depth == 0:
                pieces.append((start, i + 1))
                start = i + 1
            i += 1
            continue
        if ch.isalpha() or ch == "_" or ord(ch) > 127:
            match = _WORD.match(text, i)
            if match:
                word = match.group(0).lower()
                if (word == "atomic" and prev_word == "begin") or (atomic_depth and word == "case"):
                    atomic_depth += 1
                elif atomic_depth and word == "end":
                    atomic_depth -= 1
                prev_word = word
                i = match.end()
                continue
        i += 1
    if start < n and text[start:].strip():
        pieces.append((start, n))
    return pieces
