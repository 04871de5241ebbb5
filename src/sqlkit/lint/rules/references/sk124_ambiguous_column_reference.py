"""
## What it does
Reports, in a PL/pgSQL function, an unqualified name in an SQL statement
that is both a column of a relation the statement reads (a table, view,
CTE or sub-select in its FROM, the table of an `UPDATE`/`DELETE`, its
`RETURNING`) and a parameter of the function — `RETURNS TABLE` and `OUT`
parameters included — or a variable declared in its top block. Checked at
the end of the project, with SK120's columns: a relation whose columns
sqlkit cannot tell makes no finding. In a function without `SET
search_path`, an unqualified table counts only when one table of the files,
in a schema they create, has that name (as for SK123).

Not reported: qualified names (`t.id`), the target columns of `INSERT (...)`
and `UPDATE ... SET col`, which are never variables, `ORDER BY` an output
column's name, variables of inner blocks, `found`, SQL-language functions
(there the column wins), and bodies that choose with `#variable_conflict
use_column` or `use_variable` (or `SET plpgsql.variable_conflict`).

## Why is this bad?
PL/pgSQL cannot tell which one is meant and refuses the statement with
`column reference "id" is ambiguous` — every time it runs, not when the
function is created. The classic case is a `RETURNS TABLE (id uuid, ...)`
function whose query reads a column `id`: the function is created, the
migration passes, and every call over the API fails.

## Example
```sql
create table public.profiles (id uuid primary key, full_name text);
create function public.profile_names() returns table (id uuid, full_name text)
language plpgsql stable set search_path = '' as $$
begin
  return query select id, full_name from public.profiles;
end $$;
```

## Use instead
```sql
create table public.profiles (id uuid primary key, full_name text);
create function public.profile_names() returns table (id uuid, full_name text)
language plpgsql stable set search_path = '' as $$
begin
  return query select p.id, p.full_name from public.profiles p;
end $$;
```

## References
- [PostgreSQL: Variable Substitution in PL/pgSQL](https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-VAR-SUBST)
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
    "SK124",
    "ambiguous-column-reference",
    "error",
    summary="a PL/pgSQL variable or parameter named like a column the statement can read",
    help="qualify the column with its table or alias, or rename the variable",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    return findings(ctx, "SK124")
