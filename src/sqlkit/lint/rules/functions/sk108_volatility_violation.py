"""
## What it does
Reports a `STABLE` or `IMMUTABLE` function whose body runs `INSERT`, `UPDATE`,
`DELETE`, `MERGE`, `TRUNCATE`, `SELECT ... FOR UPDATE` or DDL, or calls a
function of this project that is `VOLATILE` and writes.

## Why is this bad?
Postgres rejects writes in a non-volatile function at run time
(`INSERT is not allowed in a non-volatile function`). Writes made by a
volatile function called from a stable one are invisible to the caller's
snapshot, and the planner may call a stable function fewer times than written
— so the write can silently not happen. A cache read that records hit counts
is the classic case: it must be `VOLATILE`.

## Example
```sql
create function public.cache_get(p_key text) returns jsonb
language sql stable set search_path = '' as $$
  update public.query_cache set hit_count = hit_count + 1 where cache_key = p_key
  returning cache_data
$$;
```

## Use instead
```sql
create function public.cache_get(p_key text) returns jsonb
language sql volatile set search_path = '' as $$
  update public.query_cache set hit_count = hit_count + 1 where cache_key = p_key
  returning cache_data
$$;
```

## References
- [PostgreSQL: Function Volatility Categories](https://www.postgresql.org/docs/current/xfunc-volatility.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import writes_of, writing_callees

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK108",
    "volatility-violation",
    "error",
    summary="a STABLE/IMMUTABLE function writes, or calls a volatile function that writes",
    help="declare the function VOLATILE (the default), or move the write out of it",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if function.definition.is_procedure or function.volatility == "volatile":
            continue
        own = [f"runs {what}" for what in dict.fromkeys(writes_of(ctx, function))]
        called = [
            f"calls {name}, which is VOLATILE and writes" for name in writing_callees(ctx, function)
        ]
        if own or called:
            # the server refuses a write in the function's own statements; one in a volatile
            # function it calls runs, but the planner may skip or cache the call
            consequence = (
                "PostgreSQL rejects writes in a non-volatile function at run time, and may skip "
                "or cache calls it believes have no side effects"
                if own
                else "PostgreSQL may skip or cache calls it believes have no side effects, so "
                "the write may not happen"
            )
            yield ctx.finding(
                "SK108",
                function.origin,
                f"{function.volatility.upper()} {function.display} {'; '.join(own + called)}: "
                f"{consequence}",
                help=f"ALTER {function.kind.upper()} {function.key} VOLATILE;",
                object=str(function.key),
            )
