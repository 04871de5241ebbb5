"""
## What it does
Reports, once per statement, `SELECT *` or `SELECT t.*` in a function body.
`EXISTS (SELECT * ...)` is not reported, and neither is `count(*)`, a `*` whose
shape is fixed (`RETURNS SETOF t` returning `t`'s rows, `INTO` a `t%ROWTYPE`
variable, rows of built-in functions or with a column-definition list), or a `*`
that fills one `record` variable (`SELECT *
INTO r`, `FOR r IN SELECT *`) the body reads only by field (`r.name`): a new
or reordered column changes nothing it reads. A record used whole (`return
r`, `row_to_json(r)`) and variables filled by position (`SELECT * INTO a, b`,
`FOR a, b IN SELECT *`) are reported.

## Why is this bad?
The function's result (or the record it fills) silently changes shape when a
column is added, dropped or reordered: `RETURNS TABLE` functions start failing
with `structure of query does not match function result type`, and new
columns — an email, a token — leak to every caller of the RPC.

## Example
```sql
create function public.client_students(p_client_id uuid)
returns table (id uuid, full_name text, is_active boolean)
language plpgsql stable set search_path = '' as $$
begin
  return query select * from public.students where client_id = p_client_id;
end $$;
```

## Use instead
```sql
create function public.client_students(p_client_id uuid)
returns table (id uuid, full_name text, is_active boolean)
language plpgsql stable set search_path = '' as $$
begin
  return query select s.id, s.full_name, s.is_active
    from public.students s where s.client_id = p_client_id;
end $$;
```

## References
- [PostgreSQL: RETURN QUERY](https://www.postgresql.org/docs/current/plpgsql-control-structures.html#PLPGSQL-STATEMENTS-RETURNING)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK113",
    "select-star-in-function",
    "warning",
    summary="SELECT * in a function body",
    help="name the columns the function returns or uses",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None:
            continue
        for span in body.select_stars:
            yield ctx.finding(
                "SK113",
                (function.origin.path, span),
                f"SELECT * in {function.display}: its columns follow the table's, so a new or "
                "reordered column changes what it returns (a RETURNS TABLE function starts "
                "failing, a new column leaks to its callers)",
                help="name the columns: SELECT t.id, t.name FROM ... -- or return the table's "
                "row type (RETURNS SETOF t) so the shape is declared",
                object=str(function.key),
            )
