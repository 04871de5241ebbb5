"""
## What it does
Reports a view (or materialized view) in an exposed schema that reads
`auth.users`.

Splinter counterpart: `0002_auth_users_exposed`.

## Why is this bad?
`auth.users` holds every user's email, phone, metadata and sign-in history.
A view over it in an exposed schema publishes that through the API — with a
definer view, to anyone who can select from it.

## Example
```sql
create view public.user_emails as select u.id, u.email from auth.users u;
```

## Use instead
```sql
-- keep the data in a table of your own (filled by a trigger), with RLS,
-- or serve it through a definer function that checks the caller first
create view private.user_emails as select u.id, u.email from auth.users u;
```

## References
- [Supabase database linter: auth_users_exposed](https://supabase.com/docs/guides/database/database-linter?lint=0002_auth_users_exposed)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK210",
    "auth-users-exposed",
    "error",
    summary="a view in an exposed schema reads auth.users",
    counterpart="0002_auth_users_exposed",
    help="move the view out of the exposed schemas, or serve the data through a function that checks the caller",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for view in ctx.model.views.values():
        if ctx.is_exposed(view.schema) and ("auth", "users") in view.relations:
            kind = "materialized view" if view.materialized else "view"
            yield ctx.finding(
                "SK210",
                view.origin,
                f"{kind} {view.qualified_name} in exposed schema {view.schema} reads auth.users: "
                "every user's email, phone and metadata can be read through the API",
                help=f"REVOKE ALL ON {view.qualified_name} FROM anon, authenticated; -- or move it "
                f"to a schema the API does not expose (ALTER {'MATERIALIZED VIEW' if view.materialized else 'VIEW'} "
                f"{view.qualified_name} SET SCHEMA private;)",
                object=view.qualified_name,
            )
