"""
## What it does
Reports a table in an exposed schema (`exposed_schemas`, default `public`) that
never gets `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` (or has it disabled
again by a later statement) while an API role can reach it: with `target =
"supabase"`, `anon`, `authenticated` or PUBLIC holds a privilege on it (Supabase's
default privileges grant them everything on tables created in `public`); with
`target = "postgres"`, any role other than the one running the migrations does.

A table the API roles cannot reach at all — every privilege revoked from `anon`,
`authenticated` and PUBLIC (Supabase's documented pattern for tables only an auth
hook reads), or never granted — is not exposed, and is not reported. Tables made
by `CREATE TABLE ... AS` and `SELECT ... INTO` are tables like any other, and a
renamed table (`ALTER TABLE ... RENAME TO`, `SET SCHEMA`) keeps its RLS setting.

Splinter counterpart: `0013_rls_disabled_in_public`.

## Why is this bad?
On Supabase every table in an exposed schema is reachable through the API with
the public anon key, and Supabase's default privileges grant `anon` and
`authenticated` everything on it. Without RLS, anyone can read and write every
row.

## Example
```sql
create table public.notes (id bigint primary key, owner_id uuid, body text);
```

## Use instead
```sql
create table public.notes (id bigint primary key, owner_id uuid, body text);
alter table public.notes enable row level security;
create policy notes_owner on public.notes for select to authenticated
  using ((select auth.uid()) = owner_id);
```

## References
- [Supabase: Row Level Security](https://supabase.com/docs/guides/database/postgres/row-level-security)
- [Supabase database linter: rls_disabled_in_public](https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.edits import after_statement
from sqlkit.lint.finding import Fix
from sqlkit.lint.registry import rule
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Table


@rule(
    "SK201",
    "rls-disabled",
    "error",
    summary="a table in an exposed schema never gets ENABLE ROW LEVEL SECURITY",
    counterpart="0013_rls_disabled_in_public",
    help="ALTER TABLE ... ENABLE ROW LEVEL SECURITY, then add policies for the roles that need rows",
    fix="unsafe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.model.tables.values():
        if table.kind == "foreign":
            continue  # RLS cannot be enabled on a foreign table: SK219 reports exposed ones
        if not ctx.is_exposed(table.schema) or table.rls_enabled:
            continue
        holders = api_holders(ctx, table)
        if not holders:
            continue
        where = table.rls_origin if table.rls_origin is not None else table.origin
        how = "RLS is disabled again" if table.rls_origin is not None else "RLS is never enabled"
        yield ctx.finding(
            "SK201",
            where,
            f"table {table.qualified_name} is in exposed schema {table.schema} and {how}, while "
            f"{', '.join(holders)} can reach it: "
            + (
                "anyone with the API key can read and change every row"
                if ctx.model.target == "supabase"
                else "no policy limits which rows they read and change"
            ),
            help=f"ALTER TABLE {table.qualified_name} ENABLE ROW LEVEL SECURITY; -- then CREATE "
            f"POLICY ... ON {table.qualified_name} for the rows each role may use (or REVOKE ALL "
            f"ON {table.qualified_name} FROM anon, authenticated;)",
            object=table.qualified_name,
            fix=enable_rls(table),
        )


def enable_rls(table: Table) -> Fix:
    """`alter table ... enable row level security;` after the statement that created the
    table (or last moved it). Unsafe: without policies the API roles then see no rows."""
    description = f"enable row level security on {table.qualified_name}"
    if table.rls_origin is not None:
        return Fix.refuse(
            description,
            "a statement disables it on purpose: remove the DISABLE by hand",
            safe=False,
        )
    name = f"{quote_ident(table.schema)}.{quote_ident(table.name)}"
    edit = after_statement(
        table.moved_origin or table.origin, f"alter table {name} enable row level security;"
    )
    if edit is None:
        return Fix.refuse(
            description,
            "the table's statement is inside a DO block or ends without a semicolon",
            safe=False,
        )
    return Fix(
        description + " (no row is visible to API roles until a policy allows it)",
        (edit,),
        safe=False,
    )


_RLS_PRIVILEGES = {"select", "insert", "update", "delete", "truncate"}


def api_holders(ctx: LintContext, table: Table) -> list[str]:
    """The API roles (see the rule's docs) that hold a privilege RLS would govern."""
    model = ctx.model
    if model.target == "supabase":
        candidates: list[str] = ["anon", "authenticated", "public"]
    else:
        candidates = sorted(r for r in table.privileges if r != model.migration_role)
    out = []
    for role in candidates:
        if not model.can_use_schema(table.schema, role):
            continue
        if any(_RLS_PRIVILEGES & table.privileges.get(r, set()) for r in model.roles_of(role)):
            out.append("PUBLIC" if role == "public" else role)
    return out
