"""
## What it does
Reports a foreign key whose columns are not the leading columns of any index on the
referencing table: one finding per foreign key, at the statement that adds it. An index
covers a foreign key when its first keys are exactly the key's columns, in any order, and
it is not partial. Tables in Supabase-managed schemas are left out.

Splinter counterpart: `0001_unindexed_foreign_keys`. Differences: splinter counts a
partial index as covering and wants the columns in the key's order; sqlkit does not count
a partial index (the row lookup of a `DELETE` or key `UPDATE` on the referenced table
needs every row) and accepts the leading columns in any order (an index on `(b, a)`
serves `a = $1 and b = $2`). On a partitioned table sqlkit reports the key once, on the
partitioned table, where splinter also reports each partition's copy.

## Why is this bad?
Every `DELETE` (and every key `UPDATE`) of a referenced row makes Postgres look for
referencing rows, and without an index that look is a sequential scan of the whole
referencing table, under lock, once per deleted row. Joins from the parent to its children
(`select ... from orders join order_items using (order_id)`) and RLS policies that filter
on the key column need the same index. Postgres creates the index on the referenced side
(the primary key) but never on the referencing side.

## Example
```sql
create table public.orders (id bigint primary key);
create table public.order_items (
  id bigint primary key,
  order_id bigint not null references public.orders (id) on delete cascade
);
```

## Use instead
```sql
create table public.orders (id bigint primary key);
create table public.order_items (
  id bigint primary key,
  order_id bigint not null references public.orders (id) on delete cascade
);
create index on public.order_items (order_id);
```

## References
- [PostgreSQL: Foreign keys](https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK)
- [Supabase database linter: unindexed_foreign_keys](https://supabase.com/docs/guides/database/database-linter?lint=0001_unindexed_foreign_keys)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import is_platform, qualified
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Table


def covered(table: Table, columns: tuple[str, ...]) -> bool:
    """Is there a non-partial index whose first len(columns) keys are exactly `columns`?"""
    wanted = set(columns)
    for index in table.indexes.values():
        if index.predicate is not None or len(index.keys) < len(columns):
            continue
        leading = index.leading_columns[: len(columns)]
        if None not in leading and set(leading) == wanted:
            return True
    return False


@rule(
    "SK214",
    "unindexed-foreign-key",
    "info",
    summary="a foreign key's columns are not the leading columns of any index",
    counterpart="0001_unindexed_foreign_keys",
    help="CREATE INDEX ON the referencing table (the foreign key's columns)",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.kind == "foreign" or table.partition_of or is_platform(table.schema):
            continue
        for fk in table.foreign_keys:
            if covered(table, fk.columns):
                continue
            columns = ", ".join(quote_ident(c) for c in fk.columns)
            yield ctx.finding(
                "SK214",
                fk.origin,
                f"foreign key {fk.name} of {table.qualified_name} ({', '.join(fk.columns)}) "
                f"references {fk.references} and no index starts with its columns: each delete "
                f"in {fk.ref_schema}.{fk.ref_table} scans {table.qualified_name}",
                help=f"CREATE INDEX ON {qualified(table.schema, table.name)} ({columns});",
                object=f"{table.qualified_name}.{fk.name}",
            )
