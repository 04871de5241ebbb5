"""Setting values as PostgreSQL reads them: booleans (`parse_bool`) and search_path lists.

A `search_path` is kept in one canonical text form — identifiers joined by
`, `, quoted where PostgreSQL would quote them — so that `SET search_path =
public, pg_temp` (two identifiers), `SET search_path = 'public, pg_temp'` (one
string: ONE identifier, as the server flattens it with quotes) and a function's
`proconfig` text compare as the server sees them.
"""

from __future__ import annotations

import functools
import re

_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")  # what quote_ident() leaves bare


def parse_bool(value: object) -> bool | None:
    """PostgreSQL's `parse_bool`: true/false, yes/no, on/off, 1/0 and unique prefixes of the
    words (`t`, `ye`, `of`), any case; None for anything else (the server rejects it)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if not isinstance(value, str) or not value:
        return None
    text = value.lower()
    for word, meaning in (("true", True), ("false", False), ("yes", True), ("no", False)):
        if word.startswith(text):
            return meaning
    if len(text) >= 2 and "on".startswith(text):
        return True
    if len(text) >= 2 and "off".startswith(text):
        return False
    return {"1": True, "0": False}.get(text)


def quote_ident(name: str) -> str:
    """An identifier as PostgreSQL prints it: bare when it can be, else double-quoted."""
    if _PLAIN_IDENT.match(name) and not _is_keyword(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _is_keyword(name: str) -> bool:
    from sqlkit.data import builtins

    return name in builtins().quoted_keywords


def split_identifiers(text: str) -> list[str]:
    """PostgreSQL's SplitIdentifierString on `,`: quoted names keep their case (`""` is a
    quote), bare names are lower-cased. A malformed list yields what could be read."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            name: list[str] = []
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        name.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                name.append(text[i])
                i += 1
            out.append("".join(name))
        else:
            start = i
            while i < n and text[i] != "," and not text[i].isspace():
                i += 1
            out.append(text[start:i].lower())
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == ",":
            i += 1
    return out


def search_path_text(schemas: list[str]) -> str:
    """The canonical text of a list of schema names. A zero-length name (`SET search_path =
    ''` stores `""`) names no schema and is left out, so an empty path is ``."""
    return ", ".join(quote_ident(name) for name in schemas if name)


def search_path_from_items(items: list[str]) -> str:
    """`SET search_path = a, 'b, c'`: each item the grammar gives is ONE identifier
    (the server quotes it), so `'pg_catalog, pg_temp'` is a single schema of that name."""
    return search_path_text(items)


def search_path_from_text(text: str) -> str:
    """A search_path written as list text (`set_config`, `proconfig`, a setting)."""
    return search_path_text(split_identifiers(text))


def search_path_schemas(value: str) -> list[str]:
    """The schema names of a canonical search_path; the zero-length name (`SET search_path
    = ''`) names no schema and is left out."""
    return list(_schemas(value))


@functools.lru_cache(maxsize=1024)
def _schemas(value: str) -> tuple[str, ...]:
    return tuple(name for name in split_identifiers(value) if name)


def display_search_path(value: str) -> str:
    """How a search_path reads in a message: `''` when it names no schema."""
    return value if search_path_schemas(value) else ""
