"""Fleet benchmark (issue: CI that deploys safely — fleets).

One migration set of 20 files (tables, indexes, a function, policies, some data) applied to
50 databases on one embedded Postgres with `sqlkit apply --targets`, in process through the
library: `--parallel 1` against `--parallel 8`, each on fresh databases (clones of an empty
template), best of 2 runs each, in the same run. On 2 cores the gain comes from waiting on
the server in parallel, not from Python.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlkit.engines.base import Server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "fleet-project"
DATABASES = 50
FILES = 20
RUNS = 2


def generate(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "migrations").mkdir(parents=True)
    (folder / "sqlkit.toml").write_text('target = "postgres"\n')
    for n in range(FILES):
        table = f"public.t{n}"
        (folder / "migrations" / f"{n + 1:03d}_step_{n}.sql").write_text(
            f"create table {table} (id bigint generated always as identity primary key, "
            "tenant_id int not null, title text not null, score int not null default 0);\n"
            f"create index t{n}_tenant_idx on {table} (tenant_id);\n"
            f"insert into {table} (tenant_id, title) select g % 10, 'row ' || g "
            "from generate_series(1, 200) g;\n"
            f"create or replace function public.score_{n}(p_tenant int) returns bigint "
            "language sql stable set search_path = '' as $$ "
            f"select coalesce(sum(score), 0) from {table} where tenant_id = p_tenant $$;\n"
            f"alter table {table} enable row level security;\n"
        )


def run(parallel: int, server: Server, run_number: int) -> float:
    from sqlkit.config import load_settings
    from sqlkit.engines.base import create_database, drop_database
    from sqlkit.migrate.apply import Guardrails
    from sqlkit.migrate.fleet import apply_fleet, parse_targets

    names = [f"tenant_{parallel}_{run_number}_{i:02d}" for i in range(DATABASES)]
    for name in names:
        create_database(server, name, template="fleet_empty")
    targets = parse_targets("\n".join(server.url(n) for n in names) + "\n", "bench")
    try:
        start = time.perf_counter()
        result = apply_fleet(
            targets, load_settings(OUT), parallel=parallel, guardrails=Guardrails()
        )
        seconds = time.perf_counter() - start
        assert not result.failed, [r.error for r in result.failed]
        assert all(len(r.applied) == FILES for r in result.runs)
        return seconds
    finally:
        for name in names:
            drop_database(server, name)


def main() -> int:
    generate(OUT)
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database

    print(f"fleet: {FILES} migration files applied to {DATABASES} databases, one embedded server")
    best: dict[int, float] = {}
    with resolve(load_settings(OUT), "embedded").running() as server:
        create_database(server, "fleet_empty")
        for number in range(RUNS):
            for parallel in (1, 8):  # alternate, so machine load hits both alike
                seconds = run(parallel, server, number)
                best[parallel] = min(best.get(parallel, seconds), seconds)
    print(f"\n{'measurement (best of 2, wall, in process)':<44} {'seconds':>8}")
    for parallel, seconds in best.items():
        per = seconds / DATABASES * 1000
        print(
            f"{f'apply --targets, --parallel {parallel}':<44} {seconds:>8.2f}  ({per:.0f} ms/database)"
        )
    print(f"\nratio --parallel 1 / --parallel 8: {best[1] / best[8]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
