"""
## What it does
Reports a column that its relation does not have: `t.c`, an unqualified
`c` when no relation in reach has it, the columns of `INSERT (...)`,
`UPDATE ... SET`, `ON CONFLICT (...)`, and in PL/pgSQL `NEW.c`/`OLD.c` in a
trigger function (against every table the trigger fires on: reported when
none has it) and the fields of a `%ROWTYPE` or table-typed record variable.
It binds at the same points as SK120: views and policies when they are
created, bodies stored as text at the end of the project.

Columns are known for tables the files create (CREATE TABLE, ALTER TABLE
ADD/DROP/RENAME COLUMN, LIKE, INHERITS, PARTITION OF), for views whose
query sqlkit can expand, CTEs, sub-selects and set-returning built-ins, and
for `auth.users`. A relation whose columns sqlkit cannot tell (CREATE TABLE
AS, a parent it did not see, Storage's tables, an extension's) makes no
finding, and neither does a column of a relation SK120 already reported.
Function parameters, PL/pgSQL variables (`ALIAS FOR` included) and labels
are not columns and are never reported.

## Why is this bad?
A view or policy that names a missing column stops the migration; a body
stored as text fails at run time with `column "..." does not exist` (or
`record "new" has no field "..."`) on the call that reaches it, typically
after a column was renamed or dropped in a later migration.

## Example
```sql
create table public.profiles (id uuid primary key, full_name text);
create function public.touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create trigger touch before update on public.profiles
  for each row execute function public.touch();
```

## Use instead
```sql
create table public.profiles (id uuid primary key, full_name text, updated_at timestamptz);
create function public.touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create trigger touch before update on public.profiles
  for each row execute function public.touch();
```

## References
- [PostgreSQL: Trigger functions in PL/pgSQL](https://www.postgresql.org/docs/current/plpgsql-trigger.html)
- [PostgreSQL: Column references](https://www.postgresql.org/docs/current/sql-expressions.html#SQL-EXPRESSIONS-COLUMN-REFS)
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
    "SK121",
    "unknown-column",
    "error",
    summary="a column its relation does not have (NEW.x in a trigger, a %ROWTYPE field)",
    help="correct the column name, or add the column before this statement",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    return findings(ctx, "SK121")
