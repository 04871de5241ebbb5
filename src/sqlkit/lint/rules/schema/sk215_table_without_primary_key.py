"""
## What it does
Reports a table in an exposed schema (`exposed_schemas`, default `public`) without a
primary key. A partitioned table is checked once (its partitions share its key).

Splinter counterpart: `0004_no_primary_key`. Differences: splinter checks every schema
but Supabase's own; sqlkit checks the exposed ones, where the API and Realtime meet the
table. Splinter checks partitions and not the partitioned table; sqlkit the partitioned
table and not its partitions.

## Why is this bad?
Without a primary key a row has no identity: the API cannot update or delete one row
reliably, Supabase Realtime and logical replication cannot send `UPDATE`/`DELETE`
events for the table (its replica identity is empty), duplicate rows cannot be told
apart, and the table editor cannot edit rows. At scale every lookup of one row is a scan.

## Example
```sql
create table public.events (user_id uuid, kind text, at timestamptz default now());
```

## Use instead
```sql
create table public.events (
  id bigint generated always as identity primary key,
  user_id uuid, kind text, at timestamptz default now()
);
```

## References
- [PostgreSQL: Primary keys](https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS)
- [Supabase database linter: no_primary_key](https://supabase.com/docs/guides/database/database-linter?lint=0004_no_primary_key)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import qualified

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK215",
    "table-without-primary-key",
    "info",
    summary="a table in an exposed schema has no primary key",
    counterpart="0004_no_primary_key",
    help="ALTER TABLE ... ADD PRIMARY KEY, or add an identity column as the key",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.kind == "foreign" or table.partition_of or not ctx.is_exposed(table.schema):
            continue
        if table.primary_key is None:
            yield ctx.finding(
                "SK215",
                table.origin,
                f"table {table.qualified_name} has no primary key: its rows cannot be told "
                "apart, and Realtime cannot send its updates and deletes",
                help=f"ALTER TABLE {qualified(table.schema, table.name)} add column id bigint "
                "generated always as identity primary key (or add primary key on the columns "
                "that identify a row)",
                object=table.qualified_name,
            )
