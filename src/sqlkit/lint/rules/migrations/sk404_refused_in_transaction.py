"""
## What it does
Reports CONCURRENTLY, VACUUM or another statement PostgreSQL refuses in a transaction, in a file without the no-transaction marker.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK404 fire (a test lints this block and expects SK404)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK404)
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
    "SK404",
    "refused-in-transaction",
    "error",
    summary="CONCURRENTLY, VACUUM or another statement PostgreSQL refuses in a transaction, in a file without the no-transaction marker",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK404", origin, message)."""
    yield from ()
