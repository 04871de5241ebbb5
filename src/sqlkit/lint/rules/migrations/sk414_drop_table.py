"""
## What it does
Reports DROP TABLE of a table that existed before the migration: running clients break, the data is gone.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK414 fire (a test lints this block and expects SK414)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK414)
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
    "SK414",
    "drop-table",
    "warning",
    summary="DROP TABLE of a table that existed before the migration: running clients break, the data is gone",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK414", origin, message)."""
    yield from ()
