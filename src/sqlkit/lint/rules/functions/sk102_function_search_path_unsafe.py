"""
## What it does
Reports a function whose `SET search_path` names a value that is not in
`allowed_search_paths` (default: `''`, `pg_catalog`, `pg_catalog, pg_temp`),
for example `public` or `"$user", public`. `SET search_path FROM CURRENT`
is reported too: it freezes whatever path the migration session happened to
have.

The value is read as the server reads it: `SET search_path = 'pg_catalog,
pg_temp'` (one quoted string) is ONE schema named `pg_catalog, pg_temp`, which
does not exist, not the two schemas `pg_catalog, pg_temp` written without quotes.

It also reports a `SECURITY DEFINER` function whose path, allowed or not, does not
name `pg_temp` last while its body names a relation without a schema: PostgreSQL
then searches `pg_temp` *first* for relations, so a temporary table of that name
created by the caller is used instead (`pg_temp` is never searched for functions).

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
from sqlkit.lint.rules.functions.fixes import pin_search_path, pin_temp_last
from sqlkit.sql.values import (
    display_search_path,
    search_path_from_text,
    search_path_schemas,
    search_path_text,
)

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function


@rule(
    "SK102",
    "function-search-path-unsafe",
    "warning",
    summary="search_path is set to a value not in allowed_search_paths, or a definer "
    "function's path lets pg_temp shadow its relations",
    help="use SET search_path = '' (or pg_catalog, pg_temp) and qualify names",
    options=(
        RuleOption(
            "allowed_search_paths",
            ("", "pg_catalog", "pg_catalog, pg_temp"),
            "search_path values a function may set",
        ),
    ),
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    allowed = {
        tuple(search_path_schemas(search_path_from_text(value)))
        for value in ctx.settings.option("allowed_search_paths")
    }
    shown_allowed = ", ".join(
        repr(display_search_path(search_path_text(list(a)))) for a in sorted(allowed)
    )
    for function in ctx.model.functions.values():
        value = function.config.get("search_path")
        if value is None:
            continue
        origin = function.config_origins.get("search_path", function.origin)
        fix = f"ALTER {function.kind.upper()} {function.key} SET search_path = '';"
        if value == "FROM CURRENT":
            yield ctx.finding(
                "SK102",
                origin,
                f"{function.display} sets search_path FROM CURRENT: it keeps whatever path "
                "the migration session had, which may let other roles' objects shadow its names",
                help=fix + " -- then qualify every name in the body",
                object=str(function.key),
                fix=pin_search_path(ctx, function, "SK102"),
            )
            continue
        schemas = search_path_schemas(value)
        if tuple(schemas) not in allowed:
            quoted = [s for s in schemas if "," in s]
            detail = (
                f"; the quoted string is ONE schema named {quoted[0]!r} that does not exist "
                "(write the names without quotes: pg_catalog, pg_temp)"
                if quoted
                else ""
            )
            yield ctx.finding(
                "SK102",
                origin,
                f"{function.display} sets search_path to {display_search_path(value)!r}, which is "
                f"not in allowed_search_paths ({shown_allowed}){detail}: names in its body can "
                "resolve to objects other roles create",
                help=fix + " -- then qualify every name in the body",
                object=str(function.key),
                fix=pin_search_path(ctx, function, "SK102"),
            )
            continue
        if not function.security_definer or (schemas and schemas[-1] == "pg_temp"):
            continue
        shadowed = temp_shadowable(function)
        if shadowed:
            yield ctx.finding(
                "SK102",
                origin,
                f"SECURITY DEFINER {function.display} has search_path "
                f"{display_search_path(value)!r} without pg_temp last, so pg_temp is searched "
                f"first for relations: a temporary table named {', '.join(shadowed)} created by "
                "the caller is used instead, with the owner's rights",
                help=f"ALTER {function.kind.upper()} {function.key} SET search_path = "
                "pg_catalog, pg_temp; -- or qualify the relations (pg_catalog.pg_class)",
                object=str(function.key),
                fix=pin_temp_last(ctx, function),
            )


def temp_shadowable(function: Function) -> list[str]:
    """Relations the body names without a schema (transition tables excepted)."""
    body = function.definition.body
    if body is None:
        return []
    names = [
        ref.name
        for ref in body.refs
        if ref.kind == "relation"
        and ref.schema is None
        and ref.name not in function.transition_tables
    ]
    return list(dict.fromkeys(names))
