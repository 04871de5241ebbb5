"""
## What it does
Reports ADD COLUMN ... NOT NULL without a default on an existing table: fails as soon as the table has a row.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK415 fire (a test lints this block and expects SK415)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK415)
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
    "SK415",
    "add-required-column",
    "error",
    summary="ADD COLUMN ... NOT NULL without a default on an existing table: fails as soon as the table has a row",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK415", origin, message)."""
    yield from ()
