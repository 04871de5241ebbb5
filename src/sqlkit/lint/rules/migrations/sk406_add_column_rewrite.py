"""
## What it does
Reports ADD COLUMN with a volatile default, identity or stored generated value rewrites an existing table.

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK406 fire (a test lints this block and expects SK406)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK406)
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
    "SK406",
    "add-column-rewrite",
    "warning",
    summary="ADD COLUMN with a volatile default, identity or stored generated value rewrites an existing table",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK406", origin, message)."""
    yield from ()
