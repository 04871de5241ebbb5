"""
## What it does
Reports a comparison (`=`, `<>`, `<`, `<=`, `>`, `>=`) of two values whose
types sqlkit is sure of, when PostgreSQL has no operator for the pair and no
implicit cast makes one apply: `uuid = text`, `bigint = text`,
`boolean = integer`; and a value of `INSERT (c, ...) VALUES (...)` or
`UPDATE ... SET c = ...` that no assignment cast puts into its column (a
`text` into a `uuid` column; any type goes into a string column). It binds
at the same points as SK120: views, policies and `BEGIN ATOMIC` bodies when
they are created, bodies stored as text at the end of the project.

A side's type is certain when it is a column of a table the files create
(or `auth.users`), a function parameter or PL/pgSQL variable with one
declared type (`NEW.c`/`OLD.c` in a trigger function), a Supabase platform
function the shim describes (`auth.uid()` is a uuid), a cast (`x::text`),
or an integer, decimal or boolean constant — and that type is one of
pg_catalog's base types, not an array. A string literal (`'abc'`) has no
type yet and PostgreSQL makes it fit, so it never makes a finding; nor does
NULL, a domain, an enum, an extension's type, a column of a view or
sub-select, a name that could be a column and a variable, or an operator
written with `OPERATOR(...)`. The project's own `CREATE CAST ... AS
IMPLICIT` and comparison `CREATE OPERATOR`s count as PostgreSQL's do.
PL/pgSQL assignments (`var := expr`, `SELECT ... INTO var`) are not
checked: PL/pgSQL converts any value through text when no assignment cast
exists, so they fail only at run time, for some values.

## Why is this bad?
PostgreSQL refuses the expression with `operator does not exist: uuid =
text` (or `column "c" is of type uuid but expression is of type text`): a
view or policy stops the migration, a function body fails on every call
that reaches the statement. The usual cause is a cast to the wrong
side (`user_id = auth.uid()::text` where `user_id` is a uuid) or a
parameter declared with another type than the column it is compared with.

## Example
```sql
create table public.notes (id bigint primary key, owner uuid not null);
create view public.my_notes as
  select id from public.notes where owner = auth.uid()::text;
```

## Use instead
```sql
create table public.notes (id bigint primary key, owner uuid not null);
create view public.my_notes as
  select id from public.notes where owner = auth.uid();
```

## References
- [PostgreSQL: Operator type resolution](https://www.postgresql.org/docs/current/typeconv-oper.html)
- [PostgreSQL: pg_cast (implicit and assignment casts)](https://www.postgresql.org/docs/current/catalog-pg-cast.html)
- [PostgreSQL: PL/pgSQL assignment](https://www.postgresql.org/docs/current/plpgsql-statements.html#PLPGSQL-STATEMENTS-ASSIGNMENT)
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
    "SK123",
    "type-mismatch",
    "warning",
    summary="a comparison or INSERT/UPDATE value of certain types PostgreSQL rejects (uuid = text)",
    help="cast one side to the other's type, or compare values of the same type",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    return findings(ctx, "SK123")
