"""
## What it does
Reports a table, view or sequence that does not exist where PostgreSQL looks
it up: in a view's query or a policy's expressions when that statement runs
in the migration (and a `BEGIN ATOMIC` body when its function is created),
and in a function body stored as text (`AS $$ ... $$`, SQL or PL/pgSQL)
against the project as it stands at the **end** of the files, so a later
`DROP`, rename or `SET SCHEMA` that breaks the body is reported at the
reference inside it.

Only names sqlkit can be sure of are judged: relations in a schema the
files create (or `public`) that no extension installs into, pg_catalog's,
and the Supabase tables the shim describes (`auth.users`, `storage.objects`,
`storage.buckets`; other names in `auth` and `storage` are not judged). An
unqualified name in a body without `SET search_path` is reported only when
no schema has it; with `SET search_path = ''` those are SK106's. Temporary
tables, tables a body creates, transition tables, CTEs and dynamic SQL are
not reported. Each wrong name is reported once per view, policy or function.

## Why is this bad?
A view or policy over a missing relation stops the migration (`relation
"..." does not exist`). A function body is only parsed when it is created,
so the function is created fine and fails on its first call in production.

## Example
```sql
create table public.orders (id bigint primary key, total numeric);
create function public.order_total(p_id bigint) returns numeric
language sql stable set search_path = '' as $$
  select total from public.order where id = p_id
$$;
```

## Use instead
```sql
create table public.orders (id bigint primary key, total numeric);
create function public.order_total(p_id bigint) returns numeric
language sql stable set search_path = '' as $$
  select total from public.orders where id = p_id
$$;
```

## References
- [PostgreSQL: CREATE FUNCTION (check_function_bodies)](https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-CHECK-FUNCTION-BODIES)
- [PostgreSQL: PL/pgSQL plan caching](https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.references.common import findings

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK120",
    "unknown-relation",
    "error",
    summary="a table, view or sequence that does not exist at that point of the project",
    help="create the relation before this statement, or correct its name or schema",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    return findings(ctx, "SK120")
