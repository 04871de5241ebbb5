"""
## What it does
Reports an extension created in schema `public`: with `SCHEMA public`, or without a
`SCHEMA` clause while `public` is the first schema of the session's `search_path` (where
Postgres then puts it), unless a later `ALTER EXTENSION ... SET SCHEMA` moves it. On
target `supabase`, `create extension if not exists` of an extension Supabase installs
already (`pgcrypto`, `uuid-ossp`, `pg_stat_statements` in `extensions`,
`supabase_vault`) changes nothing and is not reported.

Splinter counterpart: `0014_extension_in_public`. Difference: extensions that put their
objects in a schema of their own whatever the schema they are created in (`pg_net`,
`pg_graphql`, `pgmq`, `pg_cron`, `supabase_vault`, `pgsodium`) are not reported: nothing
of theirs lands in `public` (splinter reports them, and Supabase's docs call that warning
harmless for `pg_net`).

## Why is this bad?
An extension's functions, types and operators in `public` are part of the API schema:
PostgREST exposes its functions as RPC endpoints (`/rest/v1/rpc/...`) to `anon`, they
clutter the generated types, and a later `CREATE EXTENSION` elsewhere, or a function of
the same name in `public`, can capture calls. Supabase installs extensions into the
`extensions` schema, which is on the API roles' `search_path` but not exposed.

## Example
```sql
create extension if not exists vector;
```

## Use instead
```sql
create extension if not exists vector with schema extensions;
```

## References
- [PostgreSQL: CREATE EXTENSION](https://www.postgresql.org/docs/current/sql-createextension.html)
- [Supabase database linter: extension_in_public](https://supabase.com/docs/guides/database/database-linter?lint=0014_extension_in_public)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.model.platform import OWN_SCHEMA_EXTENSIONS
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK217",
    "extension-in-public",
    "warning",
    summary="an extension is created in schema public (also without SCHEMA when public comes first)",
    counterpart="0014_extension_in_public",
    help="CREATE EXTENSION ... WITH SCHEMA extensions (or ALTER EXTENSION ... SET SCHEMA extensions)",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for extension in ctx.model.extensions.values():
        if extension.origin is None or extension.schema != "public":
            continue
        if extension.name in OWN_SCHEMA_EXTENSIONS:
            continue
        yield ctx.finding(
            "SK217",
            extension.origin,
            f"extension `{extension.name}` is created in schema public: its functions become "
            "API endpoints and its names share the API schema",
            help=f"CREATE EXTENSION {quote_ident(extension.name)} WITH SCHEMA extensions (or ALTER "
            f"EXTENSION {quote_ident(extension.name)} SET SCHEMA extensions)",
            object=extension.name,
        )
