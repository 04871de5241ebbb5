"""search_path values as PostgreSQL reads them."""

from __future__ import annotations


def normalise_search_path(values: list[str]) -> str:
    """`'pg_catalog, pg_temp'` and `pg_catalog, pg_temp` both become `pg_catalog, pg_temp`."""
    parts: list[str] = []
    for value in values:
        for piece in value.split(","):
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith('"') and piece.endswith('"') and piece != '"$user"':
                piece = piece[1:-1]
            parts.append(
                piece
                if piece == '"$user"' or piece == "$user"
                else piece.lower()
                if piece.islower() or not any(c.isupper() for c in piece)
                else piece
            )
    return ", ".join('"$user"' if p in ("$user", '"$user"') else p for p in parts)
