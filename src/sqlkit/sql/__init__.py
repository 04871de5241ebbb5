"""Source files, statement splitting, pglast parsing and PL/pgSQL walking."""

from __future__ import annotations

from typing import Any

from sqlkit.sql.source import Source, read_source, source_from_text

__all__ = ["Source", "Statement", "parse_statements", "read_source", "source_from_text"]


def __getattr__(name: str) -> Any:
    # the parser (pglast) loads only when something parses: a warm lint run never does
    if name in ("Statement", "parse_statements"):
        from sqlkit.sql import split

        return getattr(split, name)
    raise AttributeError(name)
