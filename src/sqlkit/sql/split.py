"""Split a source into statements with exact positions, parsed by pglast (PostgreSQL's parser).

Fast path: the whole file goes to the parser once (JSON output). When the parser
rejects something, the file is split with a quote- and comment-aware scanner and
each piece is parsed alone, so one bad statement becomes one SK000 finding and
the rest of the file is still linted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from pglast import parser as pg_parser

from sqlkit.sql.fastjson import loads
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


# In pglast's JSON a quote inside a string is escaped, so these keys cannot occur in values.
_STMT_START = re.compile(r'\{"stmt":\{"(\w+)":')


def _tail_numbers(data: str, start: int, end: int) -> tuple[int, int]:
    """`stmt_location` and `stmt_len` from the end of a statement's JSON (`data[start:end]`),
    which ends `"stmt_location":N,"stmt_len":M}` (pglast omits a zero, so either may be
    missing)."""
    body = data[max(start, end - 48) : end - 1]
    location = length = 0
    head, found, number = body.rpartition('"stmt_len":')
    if found:
        length = int(number)
        body = head[:-1]
    head, found, number = body.rpartition('"stmt_location":')
    if found:
        location = int(number)
    return location, length


_ROUTINE_OBJECT = re.compile(r'"objtype":"OBJECT_(?:FUNCTION|PROCEDURE|ROUTINE)"')


def _slim_node(kind: str, obj_text: str) -> Any | None:
    """The parse tree of one statement from its JSON text, or None when a cheap look at the
    text shows the model has nothing to learn from it. (Every ALTER TABLE is loaded: each
    takes a lock the migration-safety rules judge.)"""
    if (
        kind == "SelectStmt"
        and '"sval":"pgmq"' not in obj_text
        and '"intoClause"' not in obj_text
        and '"set_config"' not in obj_text
    ):
        return None  # selects are many: the model needs pgmq calls, SELECT ... INTO, set_config
    if kind == "CommentStmt" and not _ROUTINE_OBJECT.search(obj_text):
        return None  # comments on tables and columns are many (pg_dump): only routines' count
    return loads(obj_text)["stmt"][kind]


def _statements_from_json(
    data: str,
    text: str,
    kinds: Collection[str] | None,
    base: int = 0,
    first_index: int = 0,
) -> list[Statement]:
    """Statements of `text` (at offset `base` of the file) from the parser's JSON, loading
    the JSON of only the statement kinds asked for (`None`: all)."""
    bytemap = ByteMap(text)
    to_char = bytemap.to_char if not text.isascii() else None  # ASCII: bytes are characters
    parsed = Parsed(base, bytemap)
    starts = [(m.start(), m.group(1)) for m in _STMT_START.finditer(data)]
    out: list[Statement] = []
    full = len(text)
    for index, (json_start, kind) in enumerate(starts):
        json_end = starts[index + 1][0] - 1 if index + 1 < len(starts) else data.rindex("]")
        location, length = _tail_numbers(data, json_start, json_end)
        if to_char is None:
            lead, end = location, location + length if length else full
        else:
            lead = to_char(location)
            end = to_char(location + length) if length else full
        start = _first_token(text, lead, end)
        node = None
        if kinds is None or kind in kinds:
            obj_text = data[json_start:json_end]
            node = loads(obj_text)["stmt"][kind] if kinds is None else _slim_node(kind, obj_text)
        out.append(
            Statement(
                first_index + len(out),
                base + lead,
                base + start,
                base + end,
                kind if node is not None else "",
                node,
                parsed if node is not None else None,
            )
        )
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
    return _parse_range(text, 0, len(text), kinds, 0)


BATCH_CHARS = 1_000_000


def iter_statements(
    source: Source, *, kinds: Collection[str] | None = frozenset(), batch: int = BATCH_CHARS
) -> Iterator[list[Statement]]:
    """`parse_statements` in batches of about `batch` characters, so that a large file's
    parse trees (their JSON is about four times the SQL) are never all in memory at once."""
    text = source.parse_text
    if len(text) <= batch:
        yield _parse_range(text, 0, len(text), kinds, 0)
        return
    # statement boundaries from the splitter (the parser's own split would build the whole
    # file's tree in C memory, the peak this avoids)
    yield from iter_range(text, statement_ends(text), 0, None, kinds=kinds, batch=batch)


def statement_ends(text: str) -> list[int]:
    """Where each top-level statement of `text` ends (after its `;`), by the splitter."""
    return [end for _, end in split_text(text)]


def iter_range(
    text: str,
    ends: list[int],
    first: int,
    last: int | None,
    *,
    kinds: Collection[str] | None = frozenset(),
    batch: int = BATCH_CHARS,
) -> Iterator[list[Statement]]:
    """The statements from the end of splitter piece `first - 1` to the end of piece `last`
    (`None`: the end of the text), parsed in batches of about `batch` characters.

    A batch's statements are numbered from the index of its first piece, so indices grow
    through the file whichever ranges it was cut into (they may skip numbers: a piece can
    hold no statement, e.g. only a comment)."""
    start = ends[first - 1] if first > 0 else 0
    final = len(ends) - 1 if last is None else last
    batch_first = first
    for position in range(first, final + 1):
        if ends[position] - start < batch and position < final:
            continue
        stop = len(text) if last is None and position == final else ends[position]
        yield _parse_range(text, start, stop, kinds, batch_first)
        start, batch_first = stop, position + 1
    if first > final and last is None and text[start:].strip():  # no piece left: the tail
        yield _parse_range(text, start, len(text), kinds, batch_first)


def cut_ranges(ends: list[int], shares: list[float]) -> list[tuple[int, int | None]]:
    """Cut a text into consecutive ranges of splitter pieces, `(first, last)` as `iter_range`
    takes them, of about these shares of its length; ranges that would be empty are left
    out, so there may be fewer ranges than shares."""
    total = ends[-1] if ends else 0
    ranges: list[tuple[int, int | None]] = []
    first, reached = 0, 0.0
    for share in shares[:-1]:
        reached += share * total
        last = min(bisect_right(ends, int(reached)), len(ends) - 2)
        if last >= first:
            ranges.append((first, last))
            first = last + 1
    ranges.append((first, None))
    return ranges


def _parse_range(
    text: str, start: int, end: int, kinds: Collection[str] | None, first_index: int
) -> list[Statement]:
    chunk = text[start:end]
    failure = None
    try:
        data = pg_parser.parse_sql_json(chunk)
    except pg_parser.ParseError as exc:
        data, failure = None, exc
    except Exception:  # pragma: no cover - parser internals; use the slow path
        data = None
    if data is not None:
        return _statements_from_json(data, chunk, kinds, start, first_index)
    pieces = [
        (start + lead, start + stop) for lead, stop in split_text(chunk) if chunk[lead:stop].strip()
    ]
    if not pieces or pieces[0][0] != start:
        failure = None  # the first window would not be the text just parsed
    return _parse_around_errors(text, pieces, kinds, first_index, failure)


# After a rejected statement the parser is tried on this many pieces, doubling while they
# parse: one bad statement every few lines costs a few short parses, not a parse of all
# the rest of the file each time.
_WINDOW = 16


def _parse_around_errors(
    text: str,
    pieces: list[tuple[int, int]],
    kinds: Collection[str] | None,
    first_index: int,
    failure: pg_parser.ParseError | None = None,
) -> list[Statement]:
    """A text the parser rejects: find each rejected statement with few parser calls (parse
    a window of pieces; the error's position names the bad piece; parse what came before it
    in one call), and parse each rejected piece alone for its own message. `failure`: the
    parser's error for all the pieces at once, already known (the first window)."""
    starts = [lead for lead, _ in pieces]
    statements: list[Statement] = []
    window = len(pieces)
    i = 0
    while i < len(pieces):
        stop = min(len(pieces), i + window)
        lead = pieces[i][0]
        chunk = text[lead : pieces[stop - 1][1]]
        index = first_index + len(statements)
        try:
            if failure is not None:
                known, failure = failure, None
                raise known
            data = pg_parser.parse_sql_json(chunk)
        except pg_parser.ParseError as exc:
            location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
            # no position ("at end of input"): the last piece is the one left open
            at = stop - 1 if location is None else bisect_right(starts, lead + location) - 1
            if at == stop - 1 and stop < len(pieces):
                window *= 2  # the window may end inside a statement the splitter cut: widen
                continue
            bad: int | None = max(at, i)
        except Exception:  # pragma: no cover - parser internals: go piece by piece
            bad = None
        else:
            statements += _statements_from_json(data, chunk, kinds, lead, index)
            i, window = stop, window * 2
            continue
        if bad is None:
            for piece in pieces[i:]:
                statements += _one_piece(text, piece, kinds, first_index + len(statements))
            break
        if bad > i:
            good = text[lead : pieces[bad][0]]
            try:
                statements += _statements_from_json(
                    pg_parser.parse_sql_json(good), good, kinds, lead, index
                )
            except Exception:  # what came before did not parse alone either: piece by piece
                for piece in pieces[i:bad]:
                    statements += _one_piece(text, piece, kinds, first_index + len(statements))
        statements += _one_piece(text, pieces[bad], kinds, first_index + len(statements))
        i, window = bad + 1, _WINDOW
    return statements


def _one_piece(
    text: str, piece: tuple[int, int], kinds: Collection[str] | None, index: int
) -> list[Statement]:
    """One piece parsed alone: its statements, or one statement carrying the parser's error."""
    lead, end = piece
    # a trailing ';' is part of the piece; the parser accepts it
    try:
        return _statements_from_json(
            pg_parser.parse_sql_json(text[lead:end]), text[lead:end], kinds, lead, index
        )
    except pg_parser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        start = _first_token(text, lead, end)
        err_at = lead + location if location is not None else start
        stop = end - 1 if text[end - 1 : end] == ";" else end
        error = (message, min(err_at, max(stop - 1, start)))
        return [Statement(index, lead, start, max(stop, start + 1), None, None, None, error)]
    except Exception as exc:  # the parser must never take the run down
        start = _first_token(text, lead, end)
        error = (f"the parser failed on this statement: {exc}", start)
        return [Statement(index, lead, start, end, None, None, None, error)]


# What can change the meaning of a `;`: comments, quotes, dollar quotes, and the words that
# open and close a BEGIN ATOMIC body. Everything between them is skipped in one regex step.
_SPECIAL = re.compile(
    r"--|/\*|'|\"|\$|;|(?<!\w)(?:begin\s+atomic|case|end)(?![\w$])", re.IGNORECASE
)
# An identifier may hold `$` (`a$$b$`): a `$` right after a letter, digit or `_` continues
# the word, never opens a dollar quote
_WORD_REST = re.compile(r"[\w$]*")
_DOLLAR = re.compile(r"\$([^\W\d]\w*)?\$")
_PLAIN_STRING_END = re.compile(r"(?:[^']|'')*'")
_ESCAPE_STRING_END = re.compile(r"(?:[^'\\]|''|\\.)*'", re.DOTALL)


def split_text(text: str) -> list[tuple[int, int]]:
    """Split SQL text at top-level semicolons (quote, comment and BEGIN ATOMIC aware).

    Returns (start, end) pairs; `end` includes the semicolon. Unterminated quotes
    or comments run to the end of the text, so nothing is ever lost.
    """
    pieces: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    atomic_depth = 0
    i = 0
    search = _SPECIAL.search
    while True:
        match = search(text, i)
        if match is None:
            break
        token = match.group(0)
        i = match.end()
        first = token[0]
        if token == "--":
            newline = text.find("\n", i)
            i = n if newline == -1 else newline + 1
        elif token == "/*":
            depth = 1
            while depth and i < n:
                opening, closing = text.find("/*", i), text.find("*/", i)
                if closing == -1:
                    i = n
                elif opening != -1 and opening < closing:
                    depth, i = depth + 1, opening + 2
                else:
                    depth, i = depth - 1, closing + 2
        elif first == "'":
            at = match.start()
            escapes = at > 0 and text[at - 1] in "eE" and (at < 2 or not text[at - 2].isalnum())
            end = (_ESCAPE_STRING_END if escapes else _PLAIN_STRING_END).match(text, i)
            i = end.end() if end else n
        elif first == '"':
            close = text.find('"', i)
            while close != -1 and text.startswith('"', close + 1):
                close = text.find('"', close + 2)
            i = n if close == -1 else close + 1
        elif first == "$":
            at = match.start()
            before = text[at - 1] if at else ""
            if before.isalnum() or before == "_":
                rest = _WORD_REST.match(text, i)
                i = rest.end() if rest else i
                continue
            tag = _DOLLAR.match(text, at)
            if tag:
                close = text.find(tag.group(0), tag.end())
                i = n if close == -1 else close + len(tag.group(0))
        elif first == ";":
            if atomic_depth == 0:
                pieces.append((start, i))
                start = i
        else:
            word = token[:3].lower()
            if word == "beg" or (atomic_depth and word == "cas"):
                atomic_depth += 1
            elif atomic_depth and word == "end":
                atomic_depth -= 1
    if start < n and text[start:].strip():
        pieces.append((start, n))
    return pieces
