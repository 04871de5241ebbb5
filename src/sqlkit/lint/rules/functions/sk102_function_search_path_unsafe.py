"""
## What it does
Reports a function whose `SET search_path` names a value that is not in
`allowed_search_paths` (default: `''`, `pg_catalog`, `pg_catalog, pg_temp`),
for example `public` or `"$user", public`. `SET search_path FROM CURRENT`
is reported too: it freezes whatever path the migration session happened to
have.

## Why is this bad?
A path that includes a schema ordinary roles can create objects in (`public`
before Postgres 15, or any schema with `CREATE` granted) lets them shadow the
names the body uses. `pg_temp` left implicit is searched *first* for
relations, which is why the safe forms are the empty path or one that names
`pg_temp` last.

## Example
```sql
create function public.f() returns int language sql
set search_path = public as $$ select count(*)::int from students $$;
```

## Use instead
```sql
create function public.f() returns int language sql
set search_path = '' as $$ select count(*)::int from public.students $$;
```

## References
- [PostgreSQL: Writing SECURITY DEFINER Functions Safely](https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY)
- [PostgreSQL: search_path](https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SEARCH-PATH)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import RuleOption, rule
from sqlkit.model.search_path import normalise_search_path

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK102",
    "function-search-path-unsafe",
    "warning",
    summary="search_path is set to a value not in allowed_search_paths",
    help="use SET search_path = '' (or pg_catalog, pg_temp) and qualify names",
    options=(
        RuleOption(
            "allowed_search_paths",
            ("", "pg_catalog", "pg_catalog, pg_temp"),
            "search_path values a function may set",
        ),
    ),
)
def check(ctx: LintContext) -> Iterator[Finding]:
    allowed = {
        normalise_search_path([value]) for value in ctx.settings.option("allowed_search_paths")
    }
    for function in ctx.model.functions.values():
        value = function.config.get("search_path")
        if value is None or value in allowed:
            continue
        shown = "FROM CURRENT" if value == "FROM CURRENT" else repr(value)
        origin = function.config_origins.get("search_path", function.origin)
        yield ctx.finding(
            "SK102",
            origin,
            f"{function.display} sets search_path to {shown}, which is not in allowed_search_paths "
            f"({', '.join(repr(a) for a in sorted(allowed))})",
            object=str(function.key),
        )
