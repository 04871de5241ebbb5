"""What SK120-SK123 share: the references that do not resolve, worked out once per run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.model.binding import check_functions

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Unresolved


def findings(ctx: LintContext, code: str) -> Iterator[Finding]:
    """The findings of rule `code` (SK120-SK123) among the unresolved references."""
    for item in unresolved(ctx):
        if item.code == code:
            yield ctx.finding(
                code, (item.path, item.span), item.message, item.help, object=item.object
            )


def unresolved(ctx: LintContext) -> list[Unresolved]:
    """Bound when the migration runs (views, policies: kept by the replay) and bound at the
    end of the project (function bodies stored as text); a wrong name once per object.
    Worked out once per run, for the four rules."""
    if not ctx.model.has_structure:
        return []  # a model read from a live database: PostgreSQL has bound it all already
    return ctx.once("unresolved", lambda: _unresolved(ctx))


def _unresolved(ctx: LintContext) -> list[Unresolved]:
    found = [*ctx.model.unresolved, *check_functions(ctx.model, ctx.reported_functions())]
    seen: set[tuple[str, str, str | None, str]] = set()
    out: list[Unresolved] = []
    for item in found:
        key = (item.code, item.path, item.object, item.message)
        if key in seen or (ctx.report_only is not None and item.path not in ctx.report_only):
            continue
        seen.add(key)
        out.append(item)
    return out
