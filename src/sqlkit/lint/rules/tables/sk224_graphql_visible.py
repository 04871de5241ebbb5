"""
## What it does
When the project enables `pg_graphql` (`create extension pg_graphql`), reports each table,
view, materialized view and foreign table that `anon` or `authenticated` may select from:
pg_graphql puts it (name, columns, relationships) in the GraphQL schema that
`/graphql/v1` shows those roles. One finding per relation, naming the roles. Partitioned
tables are left out (pg_graphql shows their partitions), and so are Supabase-managed
schemas.

Splinter counterparts: `0026_pg_graphql_anon_table_exposed` and
`0027_pg_graphql_authenticated_table_exposed` (one lint per role; sqlkit names both roles
in one finding). Difference: splinter reads whether pg_graphql is installed in the
database; statically sqlkit knows it from the project's SQL (Supabase stopped enabling
pg_graphql by default in new projects on 2026-05-18; `sqlkit lint --dsn` asks the
database).

## Why is this bad?
GraphQL introspection shows everything a role may select, RLS or not: the tables and
their columns (an `is_admin` or `ssn` column), foreign keys between them and the filters
they support, to anyone holding the public anon key (or any signed-up user). RLS still
guards the rows, but the data model is public and every exposed table is an entry point
to probe.

## Example
```sql
create extension if not exists pg_graphql;
create table public.notes (id bigint primary key, owner uuid, body text);
```

## Use instead
```sql
create extension if not exists pg_graphql;
create table public.notes (id bigint primary key, owner uuid, body text);
revoke select on public.notes from anon, authenticated;
```

## References
- [pg_graphql: Security](https://supabase.github.io/pg_graphql/security/)
- [Supabase database linter: pg_graphql_anon_table_exposed](https://supabase.com/docs/guides/database/database-linter?lint=0026_pg_graphql_anon_table_exposed)
- [Supabase database linter: pg_graphql_authenticated_table_exposed](https://supabase.com/docs/guides/database/database-linter?lint=0027_pg_graphql_authenticated_table_exposed)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import is_platform, qualified, readers

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.events import Origin


@rule(
    "SK224",
    "graphql-visible",
    "warning",
    summary="with pg_graphql enabled, a table or view is visible in GraphQL to anon or authenticated",
    counterpart="0026_pg_graphql_anon_table_exposed, 0027_pg_graphql_authenticated_table_exposed",
    help="REVOKE SELECT ... FROM the roles that should not see it (RLS does not hide it from GraphQL)",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    if "pg_graphql" not in ctx.model.extensions:
        return
    relations: list[tuple[str, str, str, dict[str, set[str]], Origin]] = []
    for table in ctx.model.tables.values():
        if table.kind != "partitioned":
            kind = "foreign table" if table.kind == "foreign" else "table"
            relations.append((kind, table.schema, table.name, table.privileges, table.origin))
    for view in ctx.model.views.values():
        kind = "materialized view" if view.materialized else "view"
        relations.append((kind, view.schema, view.name, view.privileges, view.origin))
    for kind, schema, name, privileges, origin in relations:
        if is_platform(schema):
            continue
        who = readers(ctx, privileges)
        if who:
            yield ctx.finding(
                "SK224",
                origin,
                f"{kind} {schema}.{name} is visible in the GraphQL schema to {' and '.join(who)}: "
                "they can SELECT it, and pg_graphql shows them its columns and relationships",
                help=f"REVOKE SELECT ON {qualified(schema, name)} from {', '.join(who)}; "
                "(if they should not see it)",
                object=f"{schema}.{name}",
            )
