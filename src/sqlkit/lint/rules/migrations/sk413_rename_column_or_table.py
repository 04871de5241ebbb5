"""
## What it does
Reports RENAME of an existing column or table (or SET SCHEMA): running clients that use the old name break.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK413 fire (a test lints this block and expects SK413)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK413)
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
    "SK413",
    "rename-column-or-table",
    "warning",
    summary="RENAME of an existing column or table (or SET SCHEMA): running clients that use the old name break",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK413", origin, message)."""
    yield from ()
