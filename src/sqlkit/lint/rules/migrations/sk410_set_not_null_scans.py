"""
## What it does
Reports SET NOT NULL scans an existing table under ACCESS EXCLUSIVE: no validated CHECK (col IS NOT NULL) first.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK410 fire (a test lints this block and expects SK410)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK410)
```

## References
- [PostgreSQL documentation](https://www.postgresql.org/docs/current/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK410",
    "set-not-null-scans",
    "warning",
    summary="SET NOT NULL scans an existing table under ACCESS EXCLUSIVE: no validated CHECK (col IS NOT NULL) first",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK410", origin, message)."""
    yield from ()
