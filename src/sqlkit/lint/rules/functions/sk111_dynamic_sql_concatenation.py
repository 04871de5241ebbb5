"""
## What it does
Reports a PL/pgSQL `EXECUTE` (also `RETURN QUERY EXECUTE`, `FOR ... IN
EXECUTE`, `OPEN ... FOR EXECUTE`) of a string built with `||`, `concat()` or
`format('%s')` from parameters or variables — directly, or through a variable
assigned such a string — without `quote_ident()`, `quote_literal()`,
`quote_nullable()` or `format('%I' / '%L')`. Variables of types whose text
cannot carry SQL (integers, numeric, boolean, uuid, dates) are not reported.

## Why is this bad?
It is SQL injection: a value such as `x'; drop table public.students; --`
becomes part of the statement. In a `SECURITY DEFINER` function it runs with
the owner's rights.

## Example
```sql
create function public.count_named(p_name text) returns bigint
language plpgsql stable set search_path = '' as $$
declare n bigint;
begin
  execute 'select count(*) from public.students where full_name = ''' || p_name || '''' into n;
  return n;
end $$;
```

## Use instead
```sql
create function public.count_named(p_name text) returns bigint
language plpgsql stable set search_path = '' as $$
declare n bigint;
begin
  execute 'select count(*) from public.students where full_name = $1' into n using p_name;
  return n;
end $$;
-- or, for identifiers: execute format('select count(*) from public.%I', p_table) into n;
```

## References
- [PostgreSQL: Executing Dynamic Commands](https://www.postgresql.org/docs/current/plpgsql-statements.html#PLPGSQL-STATEMENTS-EXECUTING-DYN)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK111",
    "dynamic-sql-concatenation",
    "error",
    summary="EXECUTE of a string concatenated from variables without quoting",
    help="pass values with EXECUTE ... USING, and identifiers through format('%I') or quote_ident()",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None or not body.unsafe_exec:
            continue
        names = list(dict.fromkeys(name for _, parts in body.unsafe_exec for name in parts))
        yield ctx.finding(
            "SK111",
            (function.origin.path, body.unsafe_exec[0][0]),
            f"{function.display} builds dynamic SQL by concatenating {', '.join(names)} "
            f"without quoting ({len(body.unsafe_exec)} EXECUTE statement(s)): a caller who "
            "controls that text can run any SQL with the function's rights",
            help="EXECUTE format('... %I ...', <identifier>) USING <value>; -- %I quotes "
            "identifiers, $1 with USING passes values; never %s or || of caller text",
            object=str(function.key),
        )
