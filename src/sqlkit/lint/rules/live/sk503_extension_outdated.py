"""
## What it does
Live-only: runs in `sqlkit lint --dsn`. Reports an installed extension whose version is not
the default version the server offers (`pg_available_extensions.default_version`), when
the installed version is still one the server can install (not the leftover of a server
upgrade that lost its scripts). One finding per extension.

Splinter counterpart: `0022_extension_versions_outdated`. Same semantics.

## Why is this bad?
`CREATE EXTENSION` installs the version asked for, and a server upgrade replaces the
extension's library but not its SQL objects: until `ALTER EXTENSION ... UPDATE`, the
database runs old SQL definitions against a new library, missing the fixes (security
fixes among them) of the versions in between.

## Example
```sql
create extension citext with schema extensions version '1.4';
```

## Use instead
```sql
create extension citext with schema extensions;
```

## References
- [PostgreSQL: ALTER EXTENSION](https://www.postgresql.org/docs/current/sql-alterextension.html)
- [Supabase database linter: extension_versions_outdated](https://supabase.com/docs/guides/database/database-linter?lint=0022_extension_versions_outdated)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK503",
    "extension-outdated",
    "warning",
    summary="live-only: an extension is not at the default version the server offers",
    counterpart="0022_extension_versions_outdated",
    help="ALTER EXTENSION ... UPDATE (in a migration, so every environment gets it)",
    live=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Decided by the database: sqlkit.live.checks.outdated_extensions."""
    yield from ()
