"""The one quoting path: every parameter type's check and its one rendering into SQL.

A template never sees a value as the user typed it. It sees a `Value` whose
`str()` is SQL for the one position its type allows (an identifier, a string
literal, a line of comment, an expression ...). The text as given is reachable
only through the filters here, each quoting for its position:

- `literal`: a string literal of the text (`{{ name | literal }}`)
- `comment`: the text as one line of a `--` or `/* */` comment
- `ident`: the text as an identifier; `suffix`: an identifier built from one
- `replace_name`: an expression with a name in it replaced by SQL, token by token

The checks use PostgreSQL's own scanner and parser (pglast), never quote counting.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglast import parser as pg_parser

from sqlkit.errors import TemplateError
from sqlkit.sql import values

# Line terminators of PostgreSQL's scanner (\n, \r) and of editors (str.splitlines()).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Characters that reorder what an editor shows ("Trojan Source").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# `$tag$` or `$$`: inside a function body this ends the body, whatever quotes surround it.
_DOLLAR_DELIMITER = re.compile(r"\$[A-Za-z0-9_\u0080-\U0010ffff]*\$")
_POSITIONS = re.compile(r'"(?:\w*location|stmt_len|\w*list_start|\w*list_end)":-?\d+,?')
_INTERVAL = re.compile(r"\s*([0-9]+)\s*(second|minute|hour|day|week)s?\s*", re.I)
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
_ARG = re.compile(r"\s*([a-z_][a-z0-9_]*)\s+(.+?)(?:\s+default\s+(.+?))?\s*", re.I | re.S)
_TAG_COLUMN = re.compile(r"([a-z][a-z0-9_-]*):([a-z_][a-z0-9_]*)")
_LITERAL_ESCAPES = {
    "\\": "\\\\",
    "'": "''",
    "$": "\\$",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_SELECT_ONLY = {"targetList", "limitOption", "op"}


# ------------------------------------------------------------------ errors
def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _refuse(
    variable: str | None, problem: str, value: Any, hint: str | None = None
) -> TemplateError:
    who = f"template parameter `{variable}`" if variable else "template value"
    return TemplateError(f"{who} {problem}: {_shown(value)}", hint=hint)


def _unsafe_character(text: str, allowed: str = "") -> str | None:
    """What makes `text` unfit to be written as is: a NUL, a line break, a control character."""
    for ch in text:
        if ch in allowed:
            continue
        if ch == "\x00":
            return "a NUL byte"
        if ch in LINE_BREAKS:
            return f"a line break (U+{ord(ch):04X})"
        if ch in BIDI_CONTROLS:
            return f"a bidirectional control character (U+{ord(ch):04X})"
        if unicodedata.category(ch) == "Cc":
            return f"a control character (U+{ord(ch):04X})"
    return None


# ------------------------------------------------------------------ values
class Value:
    """A checked parameter value: `str()` is its SQL for the one position its type allows."""

    __slots__ = ("_param", "_sql", "_text")

    def __init__(self, param: str | None, text: str, sql: str) -> None:
        self._param = param
        self._text = text  # as given: only the filters below read it
        self._sql = sql

    def __str__(self) -> str:
        return self._sql

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._sql})"

    def __eq__(self, other: object) -> bool:
        # `{% if scope == "global" %}` compares the value as given
        if isinstance(other, Value):
            return type(self) is type(other) and self._text == other._text
        if isinstance(other, str):
            return self._text == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    def __bool__(self) -> bool:
        return bool(self._text)


class Ident(Value):
    """An identifier, quoted with `quote_ident` semantics."""

    __slots__ = ()


class Qualified(Value):
    """`schema.name`; `.schema` and `.name` are its parts as identifiers."""

    __slots__ = ("name", "schema")

    def __init__(self, param: str | None, text: str, schema: Ident, name: Ident) -> None:
        super().__init__(param, text, f"{schema}.{name}")
        self.schema = schema
        self.name = name


class Literal(Value):
    """A string literal: `'...'`, or `E'...'` with escapes when the text needs them."""

    __slots__ = ()


class CommentText(Value):
    """One line of text that is safe inside `--` and `/* */` comments (type `text`)."""

    __slots__ = ()


class Code(Value):
    """Developer-written SQL, checked by PostgreSQL's parser to be exactly one of its kind."""

    __slots__ = ()


class Expression(Code):
    """One expression (type `sql`), parenthesised unless it binds at least as tightly as `::`."""

    __slots__ = ()


class Query(Code):
    """One SELECT statement without `;` (type `query`), as written."""

    __slots__ = ()


class SelectList(Code):
    """The list after SELECT (type `select_list`), as written."""

    __slots__ = ()


class FromList(Code):
    """The list after FROM: tables and joins (type `from_list`), as written."""

    __slots__ = ()


class TypeName(Code):
    """A type name such as `numeric(10,2)` or `text[]` (type `type`), as written."""

    __slots__ = ()


class Integer(int):
    """An `int` parameter; negative numbers render in parentheses (`x-{{ n }}` is never `--`)."""

    def __str__(self) -> str:
        return f"({int(self)})" if self < 0 else str(int(self))


@dataclass(frozen=True)
class Arg:
    """A function parameter `name type [default expr]`; `.sql` is the whole of it."""

    name: Ident
    type: TypeName
    default: Expression | None

    @property
    def sql(self) -> str:
        default = f" default {self.default}" if self.default is not None else ""
        return f"{self.name} {self.type}{default}"

    def __str__(self) -> str:
        return self.sql


@dataclass(frozen=True)
class Column:
    """An output column `name type`."""

    name: Ident
    type: TypeName

    @property
    def sql(self) -> str:
        return f"{self.name} {self.type}"

    def __str__(self) -> str:
        return self.sql


@dataclass(frozen=True)
class Tag:
    """A cache tag: `sql` for a plain one, `prefix` and `column` for `prefix:column`; `arg` for both."""

    prefix: Literal | None
    column: Ident | None
    sql: Literal | None
    arg: Literal


# ------------------------------------------------------------------ identifiers and literals
def _identifier_problem(value: str) -> str | None:
    bad = _unsafe_character(value)
    if bad is not None:
        return f"it contains {bad}"
    for piece, what in (
        ('"', "a double quote"),
        (";", "a semicolon"),
        ("--", "a comment"),
        ("/*", "a comment"),
        ("*/", "a comment end"),
    ):
        if piece in value:
            return f"it contains {what}"
    if _DOLLAR_DELIMITER.search(value):
        return "it contains a dollar quote"
    if value.startswith("$"):
        return "it starts with $, like a positional parameter"
    if len(value.encode("utf-8")) > 63:
        return "it is longer than Postgres' 63-byte identifier limit"
    return None


def quote_ident(value: Any, variable: str | None = None) -> str:
    """Quote an identifier with `quote_ident` semantics; refuse what could escape or mislead."""
    if not isinstance(value, str) or not value:
        raise _refuse(variable, "must be a non-empty identifier", value)
    problem = _identifier_problem(value)
    if problem is not None:
        raise _refuse(
            variable,
            f"is not a safe identifier ({problem})",
            value,
            hint="identifiers may not contain double quotes, semicolons, $$, comments or control characters",
        )
    return values.quote_ident(value)


def _literal_needs_escapes(text: str) -> bool:
    return (
        "\\" in text
        or _unsafe_character(text) is not None
        or _DOLLAR_DELIMITER.search(text) is not None
    )


def quote_literal(value: Any, variable: str | None = None) -> str:
    """A string literal, `E'...'` only when needed (backslashes, control characters, `$tag$`).

    The escaped form holds no raw line break, control character or dollar-quote
    delimiter, so it is safe inside a function body and in a file read line by line.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"({value})" if value < 0 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return (
                "'"
                + ("NaN" if math.isnan(value) else "-Infinity" if value < 0 else "Infinity")
                + "'"
            )
        return f"({value!r})" if value < 0 else repr(value)
    text = value._text if isinstance(value, Value) else str(value)
    if "\x00" in text:
        raise _refuse(variable, "contains a NUL byte", text)
    if not _literal_needs_escapes(text):
        return "'" + text.replace("'", "''") + "'"
    out: list[str] = []
    for ch in text:
        if ch in _LITERAL_ESCAPES:
            out.append(_LITERAL_ESCAPES[ch])
        elif _unsafe_character(ch) is not None:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "E'" + "".join(out) + "'"


def comment_text(value: Any, variable: str | None = None) -> str:
    """Text for one line of a `--` or `/* */` comment, also inside a function body."""
    if not isinstance(value, str):
        raise _refuse(variable, "must be text", value)
    bad = _unsafe_character(value, allowed="\t")
    if bad is None and ("*/" in value or "/*" in value):
        bad = "a comment marker"
    if bad is None and _DOLLAR_DELIMITER.search(value):
        bad = "a dollar quote"
    if bad is not None:
        raise _refuse(
            variable,
            f"cannot be written in a comment (it contains {bad})",
            value,
            hint="comment text is one line without /*, */ or $$",
        )
    return value


# ------------------------------------------------------------------ code
def _tree(sql: str) -> str | None:
    """The parse tree without positions, for comparing (not valid JSON any more)."""
    try:
        return _POSITIONS.sub("", pg_parser.parse_sql_json(sql))
    except pg_parser.ParseError:
        return None


def _statements(sql: str) -> list[dict[str, Any]] | None:
    try:
        tree = json.loads(pg_parser.parse_sql_json(sql))
    except pg_parser.ParseError:
        return None
    return [s["stmt"] for s in tree.get("stmts", [])]


def _code(variable: str | None, value: Any, what: str) -> str:
    """Developer-written SQL, token-checked: nothing in it can end or comment out its statement."""
    if not isinstance(value, str) or not value.strip():
        raise _refuse(variable, f"must be {what}", value)
    text = value.strip()
    bad = _unsafe_character(text, allowed="\t\n")
    if bad is None and _DOLLAR_DELIMITER.search(text):
        bad = "a dollar quote"
    if bad is None:
        try:
            tokens = pg_parser.scan(text)
        except pg_parser.ParseError as exc:
            raise _refuse(variable, f"is not {what} ({exc.args[0]})", value) from None
        depth = 0
        for token in tokens:
            piece = text[token.start : token.end + 1]
            depth += token.name in ("ASCII_40", "ASCII_91")
            depth -= token.name in ("ASCII_41", "ASCII_93")
            if depth < 0:
                bad = "a closing parenthesis it did not open"
            elif token.name in ("SQL_COMMENT", "C_COMMENT"):
                bad = "a comment"
            elif token.name == "ASCII_59":
                bad = "a semicolon"
            elif token.name == "SCONST" and piece.startswith("'") and "\\" in piece:
                # its meaning would depend on standard_conforming_strings
                bad = "a backslash in a '...' string (write it as E'...')"
            if bad:
                break
        if bad is None and depth != 0:
            bad = "an unclosed parenthesis"
    if bad is not None:
        raise _refuse(
            variable,
            f"contains {bad}",
            value,
            hint="a SQL fragment cannot end or comment out the statement it is placed in",
        )
    return text


def _one_select(variable: str | None, sql: str, value: str, what: str) -> dict[str, Any]:
    statements = _statements(sql)
    if statements is None or len(statements) != 1 or "SelectStmt" not in statements[0]:
        raise _refuse(variable, f"is not {what}", value)
    select: dict[str, Any] = statements[0]["SelectStmt"]
    return select


def _depth_zero_commas(text: str) -> bool:
    depth = 0
    for token in pg_parser.scan(text):
        if token.name in ("ASCII_40", "ASCII_91"):
            depth += 1
        elif token.name in ("ASCII_41", "ASCII_93"):
            depth -= 1
        elif token.name == "ASCII_44" and depth == 0:
            return True
    return False


def _binds_tightly(text: str) -> bool:
    """True when `text` parses the same between the tightest operators as in parentheses.

    Prefix minus binds tightest on the left and `::` on the right: `a in (1)`, `x = y`
    or `a is null` change meaning next to them; `f(x)`, `t.c`, `case ... end` do not.
    """
    for context in ("SELECT - {}", "SELECT {}::pg_catalog.text"):
        bare = _tree(context.format(text))
        if bare is None or bare != _tree(context.format(f"({text})")):
            return False
    return True


def check_expression(variable: str | None, value: Any) -> Expression:
    what = "one SQL expression"
    text = _code(variable, value, what)
    select = _one_select(variable, f"SELECT ({text})", value, what)
    targets = select.get("targetList", [])
    if (
        set(select) - _SELECT_ONLY
        or select.get("op") != "SETOP_NONE"
        or len(targets) != 1
        or "name" in targets[0]["ResTarget"]
        or _depth_zero_commas(text)
    ):
        raise _refuse(
            variable,
            f"is not {what}",
            value,
            hint="a query, select list or FROM list needs a parameter of type query, select_list or from_list",
        )
    return Expression(variable, text, text if _binds_tightly(text) else f"({text})")


def check_query(variable: str | None, value: Any) -> Query:
    what = "one SELECT query"
    text = _code(variable, value, what)
    select = _one_select(variable, text, value, what)
    if "intoClause" in select:
        raise _refuse(variable, "is SELECT INTO, which creates a table", value)
    return Query(variable, text, text)


def check_select_list(variable: str | None, value: Any) -> SelectList:
    what = "a select list"
    text = _code(variable, value, what)
    select = _one_select(variable, f"SELECT {text}", value, what)
    if set(select) - _SELECT_ONLY or select.get("op") != "SETOP_NONE":
        raise _refuse(variable, f"is not {what}", value)
    return SelectList(variable, text, text)


def check_from_list(variable: str | None, value: Any) -> FromList:
    what = "a FROM list (tables and joins)"
    text = _code(variable, value, what)
    select = _one_select(variable, f"SELECT 1 FROM {text}", value, what)
    if set(select) - _SELECT_ONLY - {"fromClause"} or select.get("op") != "SETOP_NONE":
        raise _refuse(variable, f"is not {what}", value)
    return FromList(variable, text, text)


def check_type(variable: str | None, value: Any) -> TypeName:
    what = "a type name"
    if isinstance(value, str) and _unsafe_character(value.strip()):
        raise _refuse(variable, f"is not {what}", value)
    text = _code(variable, value, what)
    select = _one_select(variable, f"SELECT NULL::{text}", value, what)
    targets = [t["ResTarget"] for t in select.get("targetList", [])]
    if (
        set(select) - _SELECT_ONLY
        or len(targets) != 1
        or "name" in targets[0]  # `NULL::int x` is a cast and an alias
        or not targets[0]["val"].get("TypeCast", {}).get("arg", {}).get("A_Const", {}).get("isnull")
    ):
        raise _refuse(variable, f"is not {what}", value)
    return TypeName(variable, text, text)


def replace_name(value: Any, name: str, sql: str) -> Expression:
    """`value` (an expression) with every bare identifier `name` in it replaced by `sql`."""
    if not isinstance(value, Expression):
        raise _refuse(None, "replace_name needs a parameter of type sql", value)
    text = value._text
    pieces: list[str] = []
    last = 0
    for token in pg_parser.scan(text):
        piece = text[token.start : token.end + 1]
        if token.name == "IDENT" and not piece.startswith('"') and piece.lower() == name:
            pieces.append(text[last : token.start] + sql)
            last = token.end + 1
    return check_expression(value._param, "".join(pieces) + text[last:])


# ------------------------------------------------------------------ filters
def ident_filter(value: Any) -> Any:
    """`{{ x | ident }}`: the value as an identifier."""
    if isinstance(value, Ident):
        return value
    if isinstance(value, Value):
        return Ident(value._param, value._text, quote_ident(value._text, value._param))
    return quote_ident(value)


def literal_filter(value: Any) -> str:
    """`{{ x | literal }}`: a string literal of the value as given (of the SQL, for `x ~ y`)."""
    if isinstance(value, Value):
        return quote_literal(value._text, value._param)
    return quote_literal(value)


def comment_filter(value: Any) -> str:
    """`{{ x | comment }}`: the value as given, on one comment line (code's layout folded)."""
    if isinstance(value, Code):
        return comment_text(" ".join(value._text.split()), value._param)
    if isinstance(value, Value):
        return comment_text(value._text, value._param)
    if isinstance(value, int):
        return str(value)
    return comment_text(value)


def suffix_filter(value: Any, suffix: str) -> Ident:
    """`{{ table | suffix("_idx") }}`: a name derived from an identifier parameter."""
    if not isinstance(value, Ident):
        raise _refuse(None, "suffix needs a parameter of type ident", value)
    text = value._text + suffix
    return Ident(value._param, text, quote_ident(text, value._param))


FILTERS: dict[str, Callable[..., Any]] = {
    "ident": ident_filter,
    "literal": literal_filter,
    "comment": comment_filter,
    "suffix": suffix_filter,
    "replace_name": replace_name,
}


# ------------------------------------------------------------------ parameter types
def _as_list(name: str, value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise _refuse(name, "must be a list", value)


def _ident(name: str, value: Any) -> Ident:
    return Ident(name, value, quote_ident(value, name))


def _qualified(name: str, value: Any) -> Qualified:
    if not isinstance(value, str) or value.count(".") != 1:
        raise _refuse(name, "must be schema.name", value)
    schema, obj = value.split(".")
    return Qualified(name, value, _ident(name, schema), _ident(name, obj))


def _literal(name: str, value: Any) -> Literal:
    text = value if isinstance(value, str) else str(value)
    return Literal(name, text, quote_literal(text, name))


def _text(name: str, value: Any) -> CommentText:
    return CommentText(name, value, comment_text(value, name))


def _interval(name: str, value: Any) -> Literal:
    if not isinstance(value, str) or not _INTERVAL.fullmatch(value):
        raise _refuse(name, "must be like '5 minutes'", value)
    return _literal(name, value.strip())


def _int(name: str, value: Any) -> Integer:
    if isinstance(value, int) and not isinstance(value, bool):
        return Integer(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return Integer(int(value))
    raise _refuse(name, "must be an integer", value)


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "yes", "1", "on"):
        return True
    if str(value).lower() in ("false", "no", "0", "off"):
        return False
    raise _refuse(name, "must be true or false", value)


def _args(name: str, value: Any) -> list[Arg]:
    out: list[Arg] = []
    for item in _as_list(name, value):
        match = _ARG.fullmatch(str(item))
        if not match:
            raise _refuse(name, "has an item that is not `name type [default expr]`", item)
        arg, typ, default = match.groups()
        out.append(
            Arg(
                _ident(name, arg),
                check_type(name, typ),
                check_expression(name, default) if default else None,
            )
        )
    return out


def _columns(name: str, value: Any) -> list[Column]:
    out: list[Column] = []
    for item in _as_list(name, value):
        parts = str(item).split(None, 1)
        if len(parts) != 2:
            raise _refuse(name, "has an item that is not `name type`", item)
        out.append(Column(_ident(name, parts[0]), check_type(name, parts[1])))
    return out


def _tags(name: str, value: Any) -> list[Tag]:
    tags: list[Tag] = []
    for item in _as_list(name, value):
        text = str(item)
        match = _TAG_COLUMN.fullmatch(text)
        if match:
            tags.append(
                Tag(
                    _literal(name, match.group(1) + ":"),
                    _ident(name, match.group(2)),
                    None,
                    _literal(name, text),
                )
            )
        elif ":" in text or not text.strip():
            raise _refuse(name, "has an item that is neither a tag nor prefix:column", text)
        else:
            tags.append(Tag(None, None, _literal(name, text), _literal(name, text)))
    return tags


def _each(check: Callable[[str, Any], Any]) -> Callable[[str, Any], list[Any]]:
    return lambda name, value: [check(name, v) for v in _as_list(name, value)]


# Each parameter type, and the one function that checks and renders its values.
RENDERINGS: dict[str, Callable[[str, Any], Any]] = {
    "ident": _ident,
    "idents": _each(_ident),
    "qualified": _qualified,
    "literal": _literal,
    "literals": _each(_literal),
    "text": _text,
    "interval": _interval,
    "int": _int,
    "bool": _bool,
    "sql": check_expression,
    "query": check_query,
    "select_list": check_select_list,
    "from_list": check_from_list,
    "type": check_type,
    "args": _args,
    "columns": _columns,
    "tags": _tags,
}


def render_value(name: str, type_: str, value: Any) -> Any:
    """The value of parameter `name` of type `type_`, checked and ready for a template."""
    rendering = RENDERINGS.get(type_)
    if rendering is None:  # pragma: no cover - parse_template refuses unknown types
        raise _refuse(name, f"has unknown type {type_!r}", value)
    return rendering(name, value)


# ------------------------------------------------------------------ names of files
_NOT_IN_FILE_NAMES = '/\\<>:|?*"'


def check_object_name(name: str) -> str:
    """NAME of `sqlkit new`: an object name, which also names its file; never a path."""
    problem = None
    if not isinstance(name, str) or not name.strip():
        problem = "it is empty"
    elif found := next((ch for ch in name if ch in _NOT_IN_FILE_NAMES), None):
        problem = f"it contains {found!r}"
    elif name.startswith("."):
        problem = "it starts with a dot"
    else:
        problem = _identifier_problem(name)
    if problem is not None:
        raise TemplateError(
            f"NAME {_shown(name)} is not an object name: {problem}",
            hint="NAME names the object (e.g. get_dashboard); sqlkit picks the folder and the file name",
        )
    return name
