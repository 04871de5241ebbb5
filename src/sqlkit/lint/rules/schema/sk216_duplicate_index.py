"""
## What it does
Reports an index with the same definition as another index on the same table: the same
keys (columns or expressions) in the same order with the same operator classes, collations
and sort orders, the same method, uniqueness, `INCLUDE` columns, predicate and storage
options. Indexes that back a primary key or unique constraint count too. One finding per
redundant index, at the statement that made it; the primary key's index (else one a
constraint owns, else the first) is the one to keep.

Splinter counterpart: `0009_duplicate_index`. It compares `pg_indexes.indexdef` without
the index name, which is the same test. Differences: indexes on materialized views are
not modelled statically (splinter checks them); an operator class written out that is the
column type's default counts as different here, as the same in the catalog.

## Why is this bad?
Every insert, update and delete maintains both indexes; they take twice the space and
twice the cache, and the planner only ever needs one. They usually come from an index
created by hand on a column that a `UNIQUE` or `PRIMARY KEY` constraint indexes already,
or from a migration run twice under different names.

## Example
```sql
create table public.profiles (id uuid primary key, email text unique);
create unique index profiles_email_idx on public.profiles (email);
```

## Use instead
```sql
create table public.profiles (id uuid primary key, email text unique);
```

## References
- [PostgreSQL: Indexes](https://www.postgresql.org/docs/current/indexes.html)
- [Supabase database linter: duplicate_index](https://supabase.com/docs/guides/database/database-linter?lint=0009_duplicate_index)
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
    from sqlkit.model.state import Index


@rule(
    "SK216",
    "duplicate-index",
    "warning",
    summary="two indexes on one table have the same definition",
    counterpart="0009_duplicate_index",
    help="DROP INDEX the duplicate",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if is_platform(table.schema) or len(table.indexes) < 2:
            continue
        groups: dict[tuple[object, ...], list[Index]] = {}
        for index in table.indexes.values():  # in creation order
            groups.setdefault(index.definition(), []).append(index)
        for same in groups.values():
            if len(same) < 2:
                continue
            # keep the primary key's, else one a constraint owns (it cannot be dropped alone),
            # else the first
            primary = table.primary_key
            keep = next(
                (i for i in same if primary is not None and i.constraint == primary.name),
                next((i for i in same if i.constraint is not None), same[0]),
            )
            for index in same:
                if index is keep:
                    continue
                fix = f"DROP INDEX {qualified(index.schema, index.name)};"
                if index.constraint is not None:  # a second key on the same columns
                    fix = (
                        f"ALTER TABLE {qualified(table.schema, table.name)} "
                        f"DROP CONSTRAINT {quote_ident(index.constraint)};"
                    )
                yield ctx.finding(
                    "SK216",
                    index.origin,
                    f"index {index.qualified_name} duplicates {keep.qualified_name} "
                    f"({keep.text()}): every write maintains both",
                    help=fix,
                    object=index.qualified_name,
                )
