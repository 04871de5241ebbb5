"""What the structure and exposure rules (SK214-SK224) share: identifiers as SQL, who of the
API roles can read a relation, and the schemas a project's rules leave alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.model.platform import PLATFORM_SCHEMAS
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext

API_READERS = ("anon", "authenticated")


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def readers(ctx: LintContext, privileges: dict[str, set[str]]) -> list[str]:
    """Which of anon and authenticated may SELECT from a relation with these grants (by
    grant, through PUBLIC or a role they inherit from)."""
    return [role for role in API_READERS if ctx.model.can_access(privileges, role, "select")]


def is_platform(schema: str) -> bool:
    return schema in PLATFORM_SCHEMAS
