"""
## What it does
Reports a foreign table (`CREATE FOREIGN TABLE`) in an exposed schema (`exposed_schemas`,
default `public`) that `anon` or `authenticated` may select from (by Supabase's default
privileges, by `GRANT`, or through PUBLIC).

Splinter counterpart: `0017_foreign_table_in_api`. Same semantics; the exposed schemas
come from the configuration instead of `pgrst.db_schemas`. SK201 does not report foreign
tables (RLS cannot be enabled on them); this rule does.

## Why is this bad?
Foreign tables do not support row level security: through the API, whoever may select
reads every row of the remote table with the credentials of the foreign server's user
mapping, which are usually far more powerful than the caller.

## Example
```sql
create foreign data wrapper stripe_wrapper;
create server stripe_server foreign data wrapper stripe_wrapper;
create foreign table public.stripe_customers (id text, email text) server stripe_server;
```

## Use instead
```sql
create foreign data wrapper stripe_wrapper;
create server stripe_server foreign data wrapper stripe_wrapper;
create schema private;
create foreign table private.stripe_customers (id text, email text) server stripe_server;
```

## References
- [PostgreSQL: CREATE FOREIGN TABLE](https://www.postgresql.org/docs/current/sql-createforeigntable.html)
- [Supabase database linter: foreign_table_in_api](https://supabase.com/docs/guides/database/database-linter?lint=0017_foreign_table_in_api)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import qualified, readers

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK219",
    "foreign-table-exposed",
    "warning",
    summary="a foreign table in an exposed schema is readable by anon or authenticated",
    counterpart="0017_foreign_table_in_api",
    help="REVOKE SELECT ... FROM anon, authenticated, or create it in a schema the API does not expose",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.kind != "foreign" or not ctx.is_exposed(table.schema):
            continue
        who = readers(ctx, table.privileges)
        if who:
            yield ctx.finding(
                "SK219",
                table.origin,
                f"foreign table {table.qualified_name} is readable by {' and '.join(who)} "
                "through the API: a foreign table has no row level security",
                help=f"REVOKE SELECT ON {qualified(table.schema, table.name)} from "
                f"{', '.join(who)}; (or move it to a schema that is not exposed)",
                object=table.qualified_name,
            )
