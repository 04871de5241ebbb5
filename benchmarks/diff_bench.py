"""Diff benchmark (issue: whole-schema diff).

A project of 200 tables (10 columns each: 2,000 columns; 2 indexes each besides the
primary key: 400 indexes; RLS and two policies each) and 1,000 functions (900
RPC-style functions, half SQL and half PL/pgSQL, and 100 trigger functions with their
triggers) is deployed to a "live" database on an embedded Postgres. Then, in one run:
  - baseline: reading the live database alone (`read_catalog`: every kind, into rows);
  - the snapshot diff compares (`take_snapshot`: rows, canonical forms, dependencies);
  - `sqlkit lint --dsn URL`, wall time of the command;
  - `sqlkit diff --dsn URL`, wall time of the command: the embedded engine starts, the
    project is applied to a scratch database, both are read and compared;
  - where the time of `diff` goes, the round trips building git's state takes, and
    the build step statement by statement against one round trip per file.
Target: `diff` < 3 s on 2 cores, engine start included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_bench import print_build_step, write_functions, write_triggers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "diff-project"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RUNS = 3
TABLES, FUNCTIONS, TRIGGERS = 200, 900, 100


def generate(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for sub in ("migrations", "functions", "triggers"):
        (folder / sub).mkdir(parents=True)
    (folder / "sqlkit.toml").write_text('target = "supabase"\n')
    for t in range(TABLES):
        (folder / "migrations" / f"{t + 1:04d}_table_{t}.sql").write_text(f"""
create table public.t{t} (
  id bigint generated always as identity primary key,
  owner_id uuid not null,
  title text not null,
  body text,
  score int not null default 0,
  price numeric(10, 2) check (price >= 0),
  tags text[] not null default '{{}}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index t{t}_owner_idx on public.t{t} (owner_id);
create index t{t}_recent_idx on public.t{t} (created_at desc) where active;
alter table public.t{t} enable row level security;
create policy t{t}_read on public.t{t} for select to authenticated using ((select auth.uid()) = owner_id);
create policy t{t}_write on public.t{t} for insert to authenticated with check ((select auth.uid()) = owner_id);
""")
    write_functions(folder, FUNCTIONS, TABLES)
    write_triggers(folder, TRIGGERS, TABLES)


def wall(cmd: list[str], expect: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=OUT, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - start
    assert proc.returncode == expect, proc.stdout[-2000:] + proc.stderr[-2000:]
    return seconds


def count_round_trips(fn: Any) -> tuple[Any, int]:
    """Queries sent while `fn` runs: psycopg's execute, and the queries `apply` sends for one
    file or for several files at once (each is one round trip)."""
    import psycopg

    from sqlkit.migrate import apply

    calls = 0
    originals = {
        "run_in_one_round_trip": apply.run_in_one_round_trip,
        "run_files_in_one_round_trip": apply.run_files_in_one_round_trip,
    }
    original_execute = psycopg.Connection.execute

    def counted(self: psycopg.Connection, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original_execute(self, *args, **kwargs)

    def counting(original: Any) -> Any:
        def counted_query(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return original(*args, **kwargs)

        return counted_query

    psycopg.Connection.execute = counted  # type: ignore[method-assign]
    for name, original in originals.items():
        setattr(apply, name, counting(original))
    try:
        return fn(), calls
    finally:
        psycopg.Connection.execute = original_execute  # type: ignore[method-assign]
        for name, original in originals.items():
            setattr(apply, name, original)


def main() -> int:
    generate(OUT)
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database
    from sqlkit.engines.shim import install_shim
    from sqlkit.live.desired import desired_snapshot
    from sqlkit.live.reader import read_catalog
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
                " (select count(*) from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid"
                "  where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0),"
                " (select count(*) from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indrelid"
                "  where c.relnamespace = 'public'::regnamespace),"
                " (select count(*) from pg_catalog.pg_policy),"
                " (select count(*) from pg_catalog.pg_trigger where not tgisinternal)"
            ).fetchone()
        assert counts is not None
        print(
            f"live database: {TABLES} tables, {counts[0]} functions, {counts[1]} columns, "
            f"{counts[2]} indexes (primary keys included), {counts[3]} policies, {counts[4]} triggers"
        )
        url = server.url("live")
        rows, objects = [], []
        for _ in range(RUNS):
            with server.connect("live") as conn:
                start = time.perf_counter()
                read_catalog(conn)
                rows.append(time.perf_counter() - start)
                start = time.perf_counter()
                snapshot = take_snapshot(conn)
                objects.append(time.perf_counter() - start)
        lint_cmd = [sys.executable, "-m", "sqlkit", "lint", "--dsn", url, "--format", "json"]
        diff_cmd = [sys.executable, "-m", "sqlkit", "diff", "--dsn", url]
        # warm bytecode and the initdb cache
        subprocess.run(diff_cmd, cwd=OUT, capture_output=True, env=ENV)
        lint = [wall(lint_cmd, expect=0) for _ in range(RUNS)]
        diff = [wall(diff_cmd, expect=0) for _ in range(RUNS)]
        with server.connect("live", autocommit=True) as conn:
            conn.execute("alter function public.score_7(uuid) set search_path = public")
            conn.execute("alter table public.t3 alter column body set not null")
        drift = wall(diff_cmd, expect=1)
        from sqlkit.api import diff as diff_database

        result = diff_database(url, settings=settings)
        _, trips = count_round_trips(
            lambda: desired_snapshot(settings, engine_name="dsn", scratch_dsn=server.url())
        )
    files = len(list(OUT.rglob("*.sql")))
    print(f"objects compared: {sum(result.compared.values())} ({len(snapshot.objects)} per side)")
    print(f"\n{'measurement (best of 3, wall)':<56} {'seconds':>8} {'vs baseline':>12}")
    base = min(rows)
    lines = [
        ("baseline: read the live database into rows (in process)", base),
        ("snapshot: rows, canonical forms, dependencies", min(objects)),
        ("sqlkit lint --dsn (command)", min(lint)),
        ("sqlkit diff --dsn (command, engine start included)", min(diff)),
        ("sqlkit diff --dsn with two drifted objects", drift),
    ]
    for label, seconds in lines:
        print(f"{label:<56} {seconds:>8.2f} {seconds / base:>11.1f}x")
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"\ndiff in process: {parts}")
    build = result.timings["desired: build"]
    print(f"building git's state: {trips} round trips for {files} files, {build:.2f}s")
    target = min(diff) < 3.0
    print(f"target diff < 3 s: {'met' if target else 'NOT MET'}")
    print_build_step(OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
