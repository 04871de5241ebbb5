"""
## What it does
Reports ADD PRIMARY KEY / UNIQUE / EXCLUDE builds its index on an existing table under ACCESS EXCLUSIVE (not USING INDEX).

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes SK411 fire (a test lints this block and expects SK411)
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no SK411)
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
    "SK411",
    "key-builds-index-under-lock",
    "warning",
    summary="ADD PRIMARY KEY / UNIQUE / EXCLUDE builds its index on an existing table under ACCESS EXCLUSIVE (not USING INDEX)",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("SK411", origin, message)."""
    yield from ()
