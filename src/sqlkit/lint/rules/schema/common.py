"""What the structure and exposure rules (SK214-SK224) share: identifiers as SQL, who of the
API roles can read a relation, and the schemas a project's rules leave alone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlkit.model.platform import PLATFORM_SCHEMAS

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext

API_READERS = ("anon", "authenticated")
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def ident(name: str) -> str:
    """An identifier as SQL: quoted when Postgres would not read it back unchanged."""
    return name if _PLAIN.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def readers(ctx: LintContext, privileges: dict[str, set[str]]) -> list[str]:
    """Which of anon and authenticated may SELECT from a relation with these grants (by
    grant, through PUBLIC or a role they inherit from)."""
    return [role for role in API_READERS if ctx.model.can_access(privileges, role, "select")]


def is_platform(schema: str) -> bool:
    return schema in PLATFORM_SCHEMAS
