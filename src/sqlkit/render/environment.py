"""The Jinja environment: StrictUndefined, and the `ident` / `literal` filters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from sqlkit.errors import TemplateError

_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")
# Reserved words that must be quoted when used as identifiers (a conservative subset).
_RESERVED = {
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
}


def quote_ident(value: Any, variable: str = "value") -> str:
    """Quote an identifier with `quote_ident` semantics; reject values that could escape."""
    if not isinstance(value, str) or not value:
        raise TemplateError(
            f"template variable `{variable}` must be a non-empty identifier, got {value!r}"
        )
    if (
        any(ch in value for ch in ('"', ";", "\x00", "\n", "\r"))
        or "$$" in value
        or "--" in value
        or "/*" in value
    ):
        raise TemplateError(
            f"template variable `{variable}` is not a safe identifier: {value!r}",
            hint="identifiers may not contain quotes, semicolons, $$, comments or newlines",
        )
    if len(value.encode("utf-8")) > 63:
        raise TemplateError(
            f"template variable `{variable}` is longer than Postgres' 63-byte identifier limit"
        )
    if _SIMPLE_IDENT.match(value) and value not in _RESERVED:
        return value
    return '"' + value + '"'


def quote_literal(value: Any, variable: str = "value") -> str:
    """Quote a literal (`quote_literal` semantics, `E''` when backslashes are present)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "\x00" in text:
        raise TemplateError(f"template variable `{variable}` contains a NUL byte")
    escaped = text.replace("'", "''")
    if "\\" in escaped or any(ch in escaped for ch in "\r\n\t"):
        # E'' with escapes: the rendered SQL never has a raw line break inside a string
        escaped = (
            escaped.replace("\\", "\\\\")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        return "E'" + escaped + "'"
    return "'" + escaped + "'"


def make_environment(search_path: Sequence[Path] = ()) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(p) for p in search_path if p.is_dir()])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["ident"] = quote_ident
    env.filters["literal"] = quote_literal
    env.globals["raise"] = _raise
    return env


def _raise(message: str) -> str:
    """`{{ raise("...") }}` in a template: a parameter combination it cannot render."""
    raise TemplateError(message)
