"""What SK120 and SK121 share: the references that do not resolve, worked out once per run."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from sqlkit.model.binding import check_functions

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Unresolved

# the last run's answer, for the second rule; a weak reference, so the run's model is not
# kept alive after it (a live heap that size makes every later garbage collection slow)
_last: tuple[weakref.ref[LintContext], list[Unresolved]] | None = None


def unresolved(ctx: LintContext) -> list[Unresolved]:
    """Bound when the migration runs (views, policies: kept by the replay) and bound at the
    end of the project (function bodies stored as text); a wrong name once per object."""
    global _last
    if not ctx.model.has_structure:
        return []  # a model read from a live database: PostgreSQL has bound it all already
    if _last is not None and _last[0]() is ctx:
        return _last[1]
    found = [*ctx.model.unresolved, *check_functions(ctx.model, ctx.reported_functions())]
    seen: set[tuple[str, str, str | None, str]] = set()
    out: list[Unresolved] = []
    for item in found:
        key = (item.code, item.path, item.object, item.message)
        if key in seen or (ctx.report_only is not None and item.path not in ctx.report_only):
            continue
        seen.add(key)
        out.append(item)
    _last = (weakref.ref(ctx), out)
    return out
