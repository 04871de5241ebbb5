"""
## What it does
Reports a foreign key of a project table that references columns of a table in Supabase's
`auth` schema other than its primary key, that is, a unique constraint of Supabase Auth
(`auth.users (email)`, `auth.users (phone)`, ...). `references auth.users` and
`references auth.users (id)` are fine.

Splinter counterpart: `0021_fkey_to_auth_unique`. Same semantics: splinter asks the
catalog whether the referenced index is unique but not the primary key; sqlkit knows the
primary keys of Auth's tables (`id`, `version` for `auth.schema_migrations`).

## Why is this bad?
Supabase Auth owns the `auth` schema and changes its unique constraints and indexes in
its own migrations (the unique constraint on `auth.users.email` became a partial unique
index, for one). A foreign key that depends on such a constraint blocks those migrations,
so the Auth upgrade of the project fails, or the key breaks when the constraint goes.

## Example
```sql
create table public.profiles (
  id uuid primary key,
  email varchar(255) references auth.users (email)
);
```

## Use instead
```sql
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email varchar(255)
);
```

## References
- [Supabase: User management, referencing auth.users](https://supabase.com/docs/guides/auth/managing-user-data)
- [Supabase database linter: fkey_to_auth_unique](https://supabase.com/docs/guides/database/database-linter?lint=0021_fkey_to_auth_unique)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.schema.common import is_platform
from sqlkit.model.platform import AUTH_DEFAULT_PRIMARY_KEY, AUTH_PRIMARY_KEYS

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK222",
    "foreign-key-to-auth-unique",
    "error",
    summary="a foreign key references a unique constraint of an auth table, not its primary key",
    counterpart="0021_fkey_to_auth_unique",
    help="ALTER TABLE ... DROP CONSTRAINT ...; ALTER TABLE ... ADD FOREIGN KEY (...) "
    "REFERENCES auth.users (id): reference the auth table's primary key",
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if is_platform(table.schema):
            continue
        for fk in table.foreign_keys:
            if fk.ref_schema != "auth" or not fk.ref_columns or fk.ref_table is None:
                continue
            target = ctx.model.tables.get(("auth", fk.ref_table))
            key = target.primary_key if target is not None else None
            primary = (
                key.columns
                if key is not None
                else AUTH_PRIMARY_KEYS.get(fk.ref_table, AUTH_DEFAULT_PRIMARY_KEY)
            )
            if set(fk.ref_columns) == set(primary):
                continue
            yield ctx.finding(
                "SK222",
                fk.origin,
                f"foreign key {fk.name} of {table.qualified_name} references {fk.references}: "
                "a unique constraint Supabase Auth owns and may change, not the primary key",
                object=f"{table.qualified_name}.{fk.name}",
            )
