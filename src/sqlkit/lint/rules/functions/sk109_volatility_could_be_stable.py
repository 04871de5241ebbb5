"""
## What it does
Reports a function (not a trigger function, not a procedure) left `VOLATILE`
— explicitly or by default — whose body only reads: no writes, no dynamic
SQL, and no call to a volatile function (`random()`, `clock_timestamp()`,
`nextval()`, `pg_sleep()`, `set_config()`, project functions that are
volatile, or functions sqlkit cannot see).

## Why is this bad?
`VOLATILE` forbids the planner from evaluating the function once per query,
from inlining `LANGUAGE sql` functions, and from using it in index
conditions; each call also takes a new snapshot. Read-only RPCs declared
`STABLE` are cheaper, and the declaration documents that they do not write.

## Example
```sql
create function public.count_students() returns bigint
language sql set search_path = '' as $$ select count(*) from public.students $$;
```

## Use instead
```sql
create function public.count_students() returns bigint
language sql stable set search_path = '' as $$ select count(*) from public.students $$;
```

## References
- [PostgreSQL: Function Volatility Categories](https://www.postgresql.org/docs/current/xfunc-volatility.html)
- [PostgreSQL: Inlining of SQL functions](https://wiki.postgresql.org/wiki/Inlining_of_SQL_functions)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.edits import insert, keywords, replace
from sqlkit.lint.finding import Fix
from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import KNOWN_STABLE, called_functions, is_builtin

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function


def _only_reads(ctx: LintContext, function: Function) -> bool:
    body = function.definition.body
    if body is None or not body.analysed or body.writes or body.dynamic_sql:
        return False
    for ref in body.calls():
        if (ref.schema, ref.name.lower()) in KNOWN_STABLE:
            continue
        if ref.schema in (None, "pg_catalog") and is_builtin(ctx, ref):
            if ref.name.lower() in ctx.builtins.volatile_functions:
                return False
            continue
        callees = called_functions(ctx, function, ref)
        if not callees or any(c.volatility == "volatile" for c in callees):
            return False
    return True


@rule(
    "SK109",
    "volatility-could-be-stable",
    "info",
    summary="a VOLATILE function only reads and could be STABLE",
    help="declare it STABLE (it only reads); IMMUTABLE if it reads no tables either",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        definition = function.definition
        if definition.is_procedure or definition.is_trigger or function.volatility != "volatile":
            continue
        if definition.language not in ("sql", "plpgsql"):
            continue
        if _only_reads(ctx, function):
            how = "declared VOLATILE" if function.volatility_written else "VOLATILE by default"
            yield ctx.finding(
                "SK109",
                function.origin,
                f"{function.display} is {how} but only reads and calls no volatile function: "
                "the planner cannot fold or index its calls, and a policy calls it per row",
                help=f"ALTER {function.kind.upper()} {function.key} STABLE;",
                object=str(function.key),
                fix=declare_stable(function),
            )


def declare_stable(function: Function) -> Fix:
    """`volatile` -> `stable` where the CREATE writes it, else `stable` added before AS."""
    definition = function.definition
    description = "declare it STABLE"
    if "volatility" in function.altered:
        return Fix.refuse(description, "an ALTER FUNCTION sets its volatility: change that by hand")
    word = keywords("stable", definition.clause_upper)
    path = function.origin.path
    if definition.volatility_range is not None:
        return Fix(description, (replace(path, definition.volatility_range, word),))
    if function.volatility_written or definition.clause_point is None:
        return Fix.refuse(description, "sqlkit cannot tell where to write it in this statement")
    return Fix(description, (insert(path, definition.clause_point, word + definition.clause_sep),))
