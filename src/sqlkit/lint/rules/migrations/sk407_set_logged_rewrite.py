"""
## What it does
Reports SET LOGGED / SET UNLOGGED rewrites an existing table.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK407 fire (a test lints this block and expects SK407)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK407)
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
    "SK407",
    "set-logged-rewrite",
    "warning",
    summary="SET LOGGED / SET UNLOGGED rewrites an existing table",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK407", origin, message)."""
    yield from ()
