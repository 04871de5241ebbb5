"""
## What it does
Reports REINDEX without CONCURRENTLY on tables that existed before the migration.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK403 fire (a test lints this block and expects SK403)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK403)
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
    "SK403",
    "reindex-blocks-table",
    "warning",
    summary="REINDEX without CONCURRENTLY on tables that existed before the migration",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK403", origin, message)."""
    yield from ()
