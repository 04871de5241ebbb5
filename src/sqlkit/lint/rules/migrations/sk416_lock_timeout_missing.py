"""
## What it does
Reports a migration locks an existing table against writes or reads with no lock_timeout (SET, directive or apply's setting).

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK416 fire (a test lints this block and expects SK416)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK416)
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
    "SK416",
    "lock-timeout-missing",
    "warning",
    summary="a migration locks an existing table against writes or reads with no lock_timeout (SET, directive or apply's setting)",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK416", origin, message)."""
    yield from ()
