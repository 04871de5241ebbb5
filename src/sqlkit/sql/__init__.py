"""Source files, statement splitting, pglast parsing and PL/pgSQL walking."""

from sqlkit.sql.source import Source, read_source, source_from_text
from sqlkit.sql.split import Statement, parse_statements

__all__ = ["Source", "Statement", "parse_statements", "read_source", "source_from_text"]
