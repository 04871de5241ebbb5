"""Read SQL files into `Source`: decoded text, notes, and offset → line/column mapping."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import accumulate

# psql meta-commands (\set, \i, \connect ...) are not SQL; they are blanked out
# (same length, so every offset still points at the original text).
_META_LINE = re.compile(r"^[ \t]*\\[^\n]*", re.MULTILINE)
# psql sends the lines after `COPY ... FROM STDIN;` (or `\copy ... from stdin`) as the
# COPY's data, up to a line `\.` (pg_dump's data sections): they are not SQL either, and are
# blanked the same way. Only a block that `\.` ends is data: an unterminated one is left to
# the parser.
_COPY_FROM_STDIN = re.compile(
    r"^[ \t]*(?:copy\b[^;]*?\bfrom\s+stdin\b[^;]*;|\\copy\b[^\n]*?\bfrom\s+stdin\b)[^\n]*\n",
    re.IGNORECASE | re.MULTILINE,
)
_END_OF_DATA = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

Span = tuple[int, int, int, int]  # line, column, end line, end column (1-based, end inclusive)
# line, column, end line, end column (1-based, end EXCLUSIVE: equal ends are an insertion
# point), as SARIF regions and fix edits count them
Range = tuple[int, int, int, int]


@dataclass
class Source:
    """One SQL input: its display path, text and the text handed to the parser."""

    path: str
    text: str
    notes: list[str] = field(default_factory=list)
    parse_text: str = ""
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        text = self.text
        if not self.parse_text:
            parse_text = text.replace("\x00", " ") if "\x00" in text else text
            if "\\" in parse_text:
                parse_text = _blank_copy_data(parse_text)
                parse_text = _META_LINE.sub(lambda m: " " * len(m.group(0)), parse_text)
            self.parse_text = parse_text
        # each line's length + 1, summed up: the loop runs in C (a third faster than find)
        lines = text.split("\n")
        self._line_starts = [0, *accumulate(map((1).__add__, map(len, lines[:-1])))]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int | None = None) -> Span:
        """Span from start to end (exclusive); without end, to the end of start's line."""
        size = len(self.text)
        if end is None:
            nl = self.text.find("\n", start)
            end = size if nl == -1 else nl
        starts = self._line_starts
        first = max(0, min(start, size))
        line = bisect.bisect_right(starts, first) - 1
        last = max(0, min(max(end, start + 1) - 1, size))
        # most spans are a name or a line: one search finds both ends
        end_line = line if line + 1 == len(starts) or last < starts[line + 1] else None
        if end_line is None:
            end_line = bisect.bisect_right(starts, last) - 1
        return line + 1, first - starts[line] + 1, end_line + 1, last - starts[end_line] + 1

    def range(self, start: int, end: int | None = None) -> Range:
        """The text range from offset `start` up to, not including, `end` (default: an
        insertion point at `start`)."""
        line, col = self.position(start)
        if end is None or end == start:
            return line, col, line, col
        end_line, end_col = self.position(end)
        return line, col, end_line, end_col

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def line_offset(self, line: int) -> int:
        return self._line_starts[max(0, min(line, len(self._line_starts)) - 1)]


def _blank_copy_data(text: str) -> str:
    """Blank the data lines of each `COPY ... FROM STDIN` that a `\\.` line ends (same
    length: offsets hold)."""
    if "\\." not in text:
        return text
    parts: list[str] = []
    done = 0
    position = 0
    while (copy := _COPY_FROM_STDIN.search(text, position)) is not None:
        end = _END_OF_DATA.search(text, copy.end())
        if end is None:
            break
        parts += [text[done : copy.end()], re.sub(r"[^\n]", " ", text[copy.end() : end.start()])]
        done = position = end.start()
    return "".join(parts) + text[done:] if parts else text


_STDIN = re.compile("stdin", re.IGNORECASE)


def unterminated_copy(text: str) -> int | None:
    """The offset of a `COPY ... FROM STDIN` whose data no `\\.` line ends (psql then reads
    the rest of the file as data; lint reads it as SQL), or None."""
    if _STDIN.search(text) is None:
        return None
    for copy in _COPY_FROM_STDIN.finditer(text):
        if _END_OF_DATA.search(text, copy.end()) is None:
            return copy.start() + len(copy.group(0)) - len(copy.group(0).lstrip())
    return None


class ByteMap:
    """Convert the parser's UTF-8 byte offsets into character offsets of a text."""

    __slots__ = ("_byte_positions", "_extra")

    def __init__(self, text: str) -> None:
        self._byte_positions: list[int] = []
        self._extra: list[int] = []
        if text.isascii():
            return
        extra = 0
        for match in _NON_ASCII.finditer(text):
            char_index = match.start()
            width = len(match.group(0).encode("utf-8", "surrogatepass")) - 1
            # byte offset at which this character starts
            self._byte_positions.append(char_index + extra)
            extra += width
            self._extra.append(extra)

    def to_char(self, byte_offset: int) -> int:
        if not self._byte_positions:
            return byte_offset
        index = bisect.bisect_left(self._byte_positions, byte_offset) - 1
        # characters before this byte offset that started earlier contributed extra bytes
        return byte_offset - (self._extra[index] if index >= 0 else 0)


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Split at separators outside quotes, parentheses and brackets; empty parts dropped."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    in_quote = False
    for ch in text:
        if ch == "'":
            in_quote = not in_quote
        elif not in_quote and ch in "([":
            depth += 1
        elif not in_quote and ch in ")]":
            depth -= 1
        elif not in_quote and ch == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8, replacing what is not UTF-8 (with a note)."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        notes.append(
            f"file is not valid UTF-8 (first bad byte at offset {exc.start}); "
            "undecodable bytes were replaced and linting went on"
        )
    if "\x00" in text:
        notes.append("file contains NUL bytes; they were treated as spaces")
    return text, notes


def read_source(path: str, data: bytes) -> Source:
    text, notes = decode(data)
    return Source(path=path, text=text, notes=notes)


def source_from_text(path: str, text: str) -> Source:
    return Source(path=path, text=text)


_NAME_PART = re.compile(r'\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)\s*')


def call_end(text: str, start: int) -> int | None:
    """The offset just after a function call written at `start` (`auth.uid()`,
    `current_setting('request.jwt.claims', true)`): its name, then its parenthesised
    arguments, quotes and nested parentheses skipped; None when that is not what is there."""
    match = _NAME_PART.match(text, start)
    if match is None:
        return None
    position = match.end()
    while text.startswith(".", position):
        match = _NAME_PART.match(text, position + 1)
        if match is None:
            return None
        position = match.end()
    if not text.startswith("(", position):
        return None
    depth = 0
    i = position
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            close = text.find(ch, i + 1)
            while close != -1 and text.startswith(ch, close + 1):  # '' or "" inside
                close = text.find(ch, close + 2)
            if close == -1:
                return None
            i = close + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif (ch == "-" and text.startswith("--", i)) or (ch == "/" and text.startswith("/*", i)):
            return None  # a comment inside the call: leave it to a person
        i += 1
    return None
