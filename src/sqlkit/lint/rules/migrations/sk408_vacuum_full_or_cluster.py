"""
## What it does
Reports VACUUM FULL or CLUSTER rewrites existing tables under an ACCESS EXCLUSIVE lock.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK408 fire (a test lints this block and expects SK408)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK408)
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
    "SK408",
    "vacuum-full-or-cluster",
    "warning",
    summary="VACUUM FULL or CLUSTER rewrites existing tables under an ACCESS EXCLUSIVE lock",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK408", origin, message)."""
    yield from ()
