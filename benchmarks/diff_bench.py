"""Diff benchmark (issue: the database side — `lint --dsn`, `diff`, `pull`).

A project of 100 tables (RLS, two policies and one trigger each) and 1,000 functions
(900 RPC-style functions, half SQL and half PL/pgSQL, plus 100 trigger functions) is
deployed to a "live" database on an embedded Postgres. Then, in one run:
  - baseline: introspecting the live database alone (`take_snapshot`, in process);
  - `sqlkit lint --dsn URL`, wall time of the command;
  - `sqlkit diff --dsn URL`, wall time of the command: the embedded engine starts,
    the project is applied to a scratch database, both are introspected and compared.
Target: `diff` < 5 s on 2 cores, engine start included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_bench import generate, print_build_step

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "diff-project"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RUNS = 3


def wall(cmd: list[str], expect: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=OUT, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - start
    assert proc.returncode == expect, proc.stdout[-2000:] + proc.stderr[-2000:]
    return seconds


def main() -> int:
    generate(OUT, tables=100, functions=900, triggers=100, tests=0)
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database
    from sqlkit.engines.shim import install_shim
    from sqlkit.live.snapshot import take_snapshot
    from sqlkit.migrate.apply import apply_files

    settings = load_settings(OUT)
    engine = resolve(settings, "embedded")
    with engine.running() as server:
        create_database(server, "live")
        with server.connect("live") as conn:
            install_shim(conn, settings.target, settings.exposed_schemas)
            apply_files(conn, settings)
            counts = conn.execute(
                "select (select count(*) from pg_catalog.pg_proc where pronamespace = 'public'::regnamespace),"
                " (select count(*) from pg_catalog.pg_policy),"
                " (select count(*) from pg_catalog.pg_trigger where not tgisinternal)"
            ).fetchone()
        print(
            f"live database: 100 tables, {counts[0]} functions, {counts[1]} policies, "  # type: ignore[index]
            f"{counts[2]} triggers"  # type: ignore[index]
        )
        url = server.url("live")
        introspect = []
        for _ in range(RUNS):
            with server.connect("live") as conn:
                start = time.perf_counter()
                snapshot = take_snapshot(conn)
                introspect.append(time.perf_counter() - start)
        lint_cmd = [sys.executable, "-m", "sqlkit", "lint", "--dsn", url, "--format", "json"]
        diff_cmd = [sys.executable, "-m", "sqlkit", "diff", "--dsn", url]
        subprocess.run(
            diff_cmd, cwd=OUT, capture_output=True, env=ENV
        )  # warm bytecode, initdb cache
        lint = [wall(lint_cmd, expect=0) for _ in range(RUNS)]
        diff = [wall(diff_cmd, expect=0) for _ in range(RUNS)]
        with server.connect("live", autocommit=True) as conn:
            conn.execute("alter function public.score_7(uuid) set search_path = public")
        drift = wall(diff_cmd, expect=1)
        from sqlkit.api import diff as diff_database

        result = diff_database(url, settings=settings)
    print(f"objects compared: {sum(result.compared.values())} ({len(snapshot.objects)} per side)")
    print(f"\n{'measurement (best of 3, wall)':<52} {'seconds':>8} {'vs baseline':>12}")
    base = min(introspect)
    rows = [
        ("baseline: introspect the live database (in process)", base),
        ("sqlkit lint --dsn (command)", min(lint)),
        ("sqlkit diff --dsn (command, engine start included)", min(diff)),
        ("sqlkit diff --dsn with one drifted function", drift),
    ]
    for label, seconds in rows:
        print(f"{label:<52} {seconds:>8.2f} {seconds / base:>11.1f}x")
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"\ndiff in process: {parts}")
    target = min(diff) < 5.0
    print(f"target diff < 5 s: {'met' if target else 'NOT MET'}")
    print_build_step(OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
