"""
## What it does
Reports a call whose name and number of arguments match no function:
neither one the files create (CREATE FUNCTION/PROCEDURE, overloads,
parameters with defaults and VARIADIC ones considered) nor a built-in. It
binds at the same points as SK120: a view's query, a policy's expressions
and a `BEGIN ATOMIC` body when their statement runs, a body stored as text
(`AS $$ ... $$`) against the project at the **end** of the files, so a later
`DROP FUNCTION` that breaks the body is reported at the call inside it.

Only calls sqlkit can be sure of are judged: a qualified name in a schema
the files create (or `public`) with no extension installed in it, a
function of the Supabase shim's `auth` and `storage`, and an unqualified
name that no schema has (with `SET search_path`, none of its schemas;
on Supabase a migration's path ends with `extensions`, as its roles' does)
while every installed extension is one whose functions sqlkit knows. Names
of built-ins (any number of arguments), aggregates and types the files
create (`t(x)` is a cast), functions created where sqlkit cannot see them
(by a function body or its dynamic SQL, in a statement that does not
parse), calls with `VARIADIC` and calls inside dynamic SQL are never
reported. Only the count of arguments is compared, not
their types; operators are not calls.

## Why is this bad?
A view or policy that calls a missing function stops the migration
(`function ... does not exist`). A function body is bound when it runs,
so the function is created fine and fails on its first call in
production, typically after the function it calls was dropped or given
other parameters in a later migration.

## Example
```sql
create table public.orders (id bigint primary key, total numeric);
create function public.order_total(p_id bigint) returns numeric
language sql stable set search_path = '' as $$
  select total from public.orders where id = p_id
$$;
create view public.big_orders as
  select id from public.orders where public.order_total(id, 2) > 100;
```

## Use instead
```sql
create table public.orders (id bigint primary key, total numeric);
create function public.order_total(p_id bigint) returns numeric
language sql stable set search_path = '' as $$
  select total from public.orders where id = p_id
$$;
create view public.big_orders as
  select id from public.orders where public.order_total(id) > 100;
```

## References
- [PostgreSQL: Function type resolution](https://www.postgresql.org/docs/current/typeconv-func.html)
- [PostgreSQL: Calling functions (named and mixed notation)](https://www.postgresql.org/docs/current/sql-syntax-calling-funcs.html)
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
    "SK122",
    "unknown-function",
    "error",
    summary="a call whose name and argument count match no function in the project or the built-ins",
    help="create the function before this statement, or correct its name, schema or arguments",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    return findings(ctx, "SK122")
