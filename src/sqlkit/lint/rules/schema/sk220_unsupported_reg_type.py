"""
## What it does
Reports a table column (outside `pg_catalog`, `information_schema` and `pgsodium`) whose
type is one of the `reg*` types that `pg_upgrade` cannot carry over, or an array of one:
`regcollation`, `regconfig`, `regdictionary`, `regnamespace`, `regoper`, `regoperator`,
`regproc`, `regprocedure`. `regclass`, `regrole` and `regtype` can be upgraded and are
not reported (PostgreSQL's pg_upgrade documentation, Notes). One finding per column.

Splinter counterpart: `0018_unsupported_reg_types`. Differences: sqlkit also reports
arrays of these types (`pg_upgrade` refuses them too); it checks the columns of tables
(splinter also those of views and composite types, which a migration rarely gives such a
type, and whose column types sqlkit cannot always know without a database); domains over
these types are not followed.

## Why is this bad?
These types store object identifiers (OIDs) of catalog rows that `pg_upgrade` does not
preserve, so `pg_upgrade` refuses to upgrade a database that has such a column: the
project is stuck on its Postgres major version until the column is changed (Supabase
upgrades projects with `pg_upgrade`).

## Example
```sql
create table public.jobs (id bigint primary key, handler regproc);
```

## Use instead
```sql
create table public.jobs (id bigint primary key, handler text);
```

## References
- [PostgreSQL: pg_upgrade, Notes](https://www.postgresql.org/docs/current/pgupgrade.html)
- [PostgreSQL: Object identifier types](https://www.postgresql.org/docs/current/datatype-oid.html)
- [Supabase database linter: unsupported_reg_types](https://supabase.com/docs/guides/database/database-linter?lint=unsupported_reg_types)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import qualified
from sqlkit.model.platform import UNSUPPORTED_REG_TYPES
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

_SKIPPED_SCHEMAS = ("pg_catalog", "information_schema", "pgsodium")


def unsupported(type_name: str) -> str | None:
    """The unsupported reg* type a column type is (or is an array of), else None."""
    base = type_name.removeprefix("pg_catalog.").split("[", 1)[0]
    return base if base in UNSUPPORTED_REG_TYPES else None


@rule(
    "SK220",
    "unsupported-reg-type",
    "warning",
    summary="a column's type is a reg* type pg_upgrade cannot upgrade (regproc, regoper, ...)",
    counterpart="0018_unsupported_reg_types",
    help="store the name as text (or use regclass, regrole or regtype, which pg_upgrade keeps)",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.schema in _SKIPPED_SCHEMAS:
            continue
        for column in table.columns.values():
            found = unsupported(column.type_name)
            if found is None:
                continue
            yield ctx.finding(
                "SK220",
                column.origin or table.origin,
                f"column {column.name} of {table.qualified_name} has type {column.type}: "
                f"pg_upgrade cannot upgrade a database with a {found} column",
                help=f"ALTER TABLE {qualified(table.schema, table.name)} alter column "
                f"{quote_ident(column.name)} type text using {quote_ident(column.name)}::text;",
                object=f"{table.qualified_name}.{column.name}",
            )
