"""
## What it does
Reports a CHECK or FOREIGN KEY is validated against an existing table's rows while writes wait (no NOT VALID, or VALIDATE in the same transaction).

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK409 fire (a test lints this block and expects SK409)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK409)
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
    "SK409",
    "constraint-validated-under-lock",
    "warning",
    summary="a CHECK or FOREIGN KEY is validated against an existing table's rows while writes wait (no NOT VALID, or VALIDATE in the same transaction)",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK409", origin, message)."""
    yield from ()
