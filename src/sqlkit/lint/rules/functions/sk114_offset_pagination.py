"""
## What it does
Reports a function that pages with `OFFSET` driven by a parameter or variable
(`OFFSET p_offset`, `OFFSET (p_page - 1) * p_size`, `OFFSET $2`).

## Why is this bad?
`OFFSET n` makes Postgres produce and throw away n rows for every page: page
500 of an export reads 500 pages' worth of rows, so a full export is
quadratic. Rows inserted or deleted between calls shift the window, so pages
repeat or skip rows. Keyset pagination (`WHERE (created_at, id) > (p_after_created_at, p_after_id)
ORDER BY created_at, id LIMIT p_limit`) reads only what it returns, from an index.

## Example
```sql
create function public.students_page(p_limit int, p_offset int)
returns table (id uuid, full_name text)
language sql stable set search_path = '' as $$
  select id, full_name from public.students order by created_at, id
  limit p_limit offset p_offset
$$;
```

## Use instead
```sql
create function public.students_page(p_after_created_at timestamptz, p_after_id uuid, p_limit int)
returns table (id uuid, full_name text)
language sql stable set search_path = '' as $$
  select id, full_name from public.students
  where (created_at, id) > (p_after_created_at, p_after_id)
  order by created_at, id limit p_limit
$$;
```

## References
- [Use The Index, Luke: Paging Through Results](https://use-the-index-luke.com/no-offset)
- [PostgreSQL: LIMIT and OFFSET](https://www.postgresql.org/docs/current/queries-limit.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK114",
    "offset-pagination",
    "warning",
    summary="a function pages with OFFSET driven by a parameter",
    help="page with a keyset: WHERE (sort_key, id) > (last_sort_key, last_id) ORDER BY sort_key, id LIMIT n",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None or not body.offset_params:
            continue
        names = list(dict.fromkeys(name for _, name in body.offset_params))
        yield ctx.finding(
            "SK114",
            (function.origin.path, body.offset_params[0][0]),
            f"{function.display} pages with OFFSET {', '.join(names)}: every page reads and "
            "throws away all the rows before it, so deep pages get slower and slower",
            object=str(function.key),
        )
