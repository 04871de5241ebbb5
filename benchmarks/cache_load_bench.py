"""Cache under load: product performance with 50 concurrent clients, 95 % reads / 5 % writes.

The expensive cached RPC (get_product_performance_cached) is replayed by 50 clients, each in its
own connection: 95 % of operations read one of 22 keys (the all-clients view of admin and of
staff, and each of 20 clients' own view by its client staff), chosen by a Zipf distribution
(s = 1.1: a few keys are hot, most are warm); 5 % write a progress row of a random learner (what
students do all day), which invalidates through the triggers. Four wrappers, each rendered from
the cached-rpc template, run the same replay (same seed) one after the other:

  baseline      broad tags (any progress write clears every entry), no single flight: the
                catalog before this change
  narrow        tags per client and product, no single flight
  single flight narrow tags + single flight (concurrent misses of a key compute once)
  + SWR         narrow tags + single flight + stale-while-revalidate (1 minute): the catalog now

Reported per wrapper: wall time (a client finishes the call it is in when the 20 s are up, so a
stampede overruns), reads and reads/s, hit rate (answers from the cache, fresh or stale / all
answers) and the fresh share, read latency p50 / p99, computations in all and per key (mean over
the keys computed, max). Computations are counted by a trigger on the cache table that this
benchmark adds.
"""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from reference_bench import DATA_TEMPLATE

from sqlkit.config import load_settings
from sqlkit.engines import resolve
from sqlkit.engines.base import Server, create_database
from sqlkit.render.render import Renderer
from sqlkit.verify.runner import build_template

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 50
SECONDS = 20.0
WRITE_SHARE = 0.05
ZIPF_S = 1.1
LEARNERS, WITH_PROGRESS = 10000, 3000

FORCED_CLIENT = (
    "v_client_id uuid default case when v_role in ('client_staff', 'student') "
    "then (v_claims ->> 'client_id')::uuid else p_client_id end"
)
NARROW_TAGS = (
    "case when v_client_id is null then array['students', 'student_progress', "
    "'client_product_assignments', 'modules', 'assessment_submissions'] else array['client:' || "
    "v_client_id::text, 'client_progress:' || v_client_id::text, 'assessment_submissions'] || "
    "coalesce((select array_agg('product:' || (e.value ->> 'product_id')) from "
    "jsonb_array_elements(v_result) e), '{}'::text[]) end"
)
BASE = {
    "name": "get_product_performance_cached",
    "args": ["p_client_id uuid default null"],
    "declare": [FORCED_CLIENT],
    "key_parts": "jsonb_build_array(v_client_id)",
    "compute": "public.calculate_product_performance(v_client_id)",
    "ttl": "15 minutes",
    "scope": "tenant",
    "allowed_roles": ["admin", "staff", "viewer", "client_staff"],
}
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    (
        "baseline (broad tags)",
        {
            "tags": [
                "products",
                "client_product_assignments",
                "student_progress",
                "students",
                "modules",
            ],
            "single_flight": False,
        },
    ),
    ("narrow tags", {"tags": ["products"], "dynamic_tags": NARROW_TAGS, "single_flight": False}),
    (
        "narrow + single flight",
        {"tags": ["products"], "dynamic_tags": NARROW_TAGS, "wait": "30 seconds"},
    ),
    (
        "narrow + single flight + SWR",
        {
            "tags": ["products"],
            "dynamic_tags": NARROW_TAGS,
            "wait": "30 seconds",
            "stale_ttl": "1 minute",
        },
    ),
]

COUNT_COMPUTATIONS = """
create table if not exists public.bench_computations (cache_key text, scope text, at timestamptz default clock_timestamp());
create or replace function public.bench_count_computation() returns trigger language plpgsql as $$
begin
  insert into public.bench_computations (cache_key, scope) values (new.cache_key, new.scope);
  return null;
end $$;
drop trigger if exists bench_count on private.query_cache;
create trigger bench_count after insert or update of created_at on private.query_cache
  for each row execute function public.bench_count_computation();
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def keys(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The 22 callers, hottest first: admin and staff (all clients), then each client's staff."""
    clients = conn.execute(
        "select id from public.clients where name like 'Client %' order by name, id"
    ).fetchall()
    callers = [
        {
            "sub": "00000000-0000-0000-0000-0000000000a1",
            "role": "authenticated",
            "user_role": "admin",
        },
        {
            "sub": "00000000-0000-0000-0000-0000000000a2",
            "role": "authenticated",
            "user_role": "staff",
        },
    ]
    callers += [
        {
            "sub": "00000000-0000-0000-0000-0000000000ca",
            "role": "authenticated",
            "user_role": "client_staff",
            "client_id": str(c),
        }
        for (c,) in clients
    ]
    return callers


def replay(server: Server, dbname: str, seed: int) -> dict[str, Any]:
    with server.connect(dbname) as conn:
        callers = keys(conn)
        rows = conn.execute(
            "select student_id, module_id from public.student_module_progress order by 1, 2"
        ).fetchall()
    weights = [1 / (rank**ZIPF_S) for rank in range(1, len(callers) + 1)]
    latencies: list[float] = []
    errors: list[BaseException] = []
    writes = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + SECONDS

    def client(n: int) -> None:
        rnd = random.Random(seed * 1000 + n)
        mine: list[float] = []
        wrote = 0
        try:
            with server.connect(dbname, autocommit=False) as c:
                while time.perf_counter() < deadline:
                    if rnd.random() < WRITE_SHARE:
                        student, module = rnd.choice(rows)
                        c.execute(
                            "update public.student_module_progress set progress_percentage = %s, "
                            "last_updated = now() where student_id = %s and module_id = %s",
                            (rnd.randint(0, 100), student, module),
                        )
                        c.commit()
                        wrote += 1
                        continue
                    claims = rnd.choices(callers, weights)[0]
                    start = time.perf_counter()
                    c.execute("select sqlkit_test.authenticate_as(%s)", (Jsonb(claims),))
                    c.execute("select public.get_product_performance_cached()").fetchone()
                    c.commit()
                    mine.append(time.perf_counter() - start)
        except BaseException as exc:
            errors.append(exc)
        with lock:
            latencies.extend(mine)
            writes[0] += wrote

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    # a client finishes the call it is in when time is up: a stampede makes the run overrun
    return {"latencies": latencies, "writes": writes[0], "wall": time.perf_counter() - start}


def main() -> int:
    settings = load_settings(ROOT)
    renderer = Renderer(settings)
    engine = resolve(settings, "embedded")
    results = []
    with engine.running() as server:
        create_database(server, "cache_bench")
        build_template(server, settings, "cache_bench", "embedded")
        tcp = Server(host="127.0.0.1", port=server.port)
        data = (
            DATA_TEMPLATE.replace("{learners}", str(LEARNERS))
            .replace("{with_progress}", str(WITH_PROGRESS))
            .replace("{viewers}", "100")
        )
        with tcp.connect("cache_bench") as conn:
            conn.execute(data.encode())
            conn.execute(COUNT_COMPUTATIONS.encode())
            start = time.perf_counter()
            conn.execute("select public.calculate_product_performance()").fetchone()
            miss_all = time.perf_counter() - start
            client = conn.execute(
                "select id from public.clients where name like 'Client %' limit 1"
            ).fetchone()[0]
            start = time.perf_counter()
            conn.execute("select public.calculate_product_performance(%s)", (client,)).fetchone()
            miss_one = time.perf_counter() - start
            progress = conn.execute(
                "select count(*) from public.student_module_progress"
            ).fetchone()
        print(
            f"data: {LEARNERS:,} learners in 20 clients, {progress[0]:,} progress rows; one miss "
            f"costs {miss_all * 1000:,.0f} ms (all clients) / {miss_one * 1000:,.0f} ms (one client)"
        )
        print(
            f"replay: {CLIENTS} clients x {SECONDS:.0f} s each wrapper, {1 - WRITE_SHARE:.0%} reads "
            f"over 22 keys (Zipf s={ZIPF_S}), {WRITE_SHARE:.0%} progress writes\n"
        )
        for label, params in VARIANTS:
            sql = renderer.render_template("cached-rpc", {**BASE, **params})
            with tcp.connect("cache_bench") as conn:
                conn.execute(sql.encode())
                conn.execute("delete from private.query_cache")
                conn.execute("truncate public.bench_computations")
                before = conn.execute(
                    "select hits, stale_hits, misses from private.cache_stats()"
                ).fetchone()
            run = replay(tcp, "cache_bench", seed=7)
            with tcp.connect("cache_bench") as conn:
                after = conn.execute(
                    "select hits, stale_hits, misses from private.cache_stats()"
                ).fetchone()
                per_key = [
                    r[0]
                    for r in conn.execute(
                        "select count(*) from public.bench_computations group by cache_key, scope"
                    ).fetchall()
                ]
            hits, stale, misses = (a - b for a, b in zip(after, before, strict=True))
            answers = hits + stale + misses
            lat = run["latencies"]
            results.append(
                {
                    "label": label,
                    "reads": len(lat),
                    "writes": run["writes"],
                    "wall": run["wall"],
                    "hit_rate": (hits + stale) / answers if answers else 0.0,
                    "fresh": hits / answers if answers else 0.0,
                    "p50": statistics.median(lat),
                    "p99": percentile(lat, 0.99),
                    "computations": sum(per_key),
                    "per_key_mean": statistics.mean(per_key) if per_key else 0.0,
                    "per_key_max": max(per_key) if per_key else 0,
                }
            )

    print(
        f"{'wrapper':<30} {'wall s':>6} {'reads':>7} {'reads/s':>7} {'writes':>6} {'hit rate':>8} "
        f"{'fresh':>6} {'p50 ms':>8} {'p99 ms':>9} {'computations':>12} {'per key':>7} {'max/key':>7}"
    )
    for r in results:
        print(
            f"{r['label']:<30} {r['wall']:>6.1f} {r['reads']:>7,} {r['reads'] / r['wall']:>7.1f} "
            f"{r['writes']:>6,} {r['hit_rate']:>8.1%} {r['fresh']:>6.1%} {r['p50'] * 1000:>8.1f} "
            f"{r['p99'] * 1000:>9.1f} {r['computations']:>12,} {r['per_key_mean']:>7.1f} "
            f"{r['per_key_max']:>7}"
        )
    print(
        "hit rate: answers from the cache (fresh, or stale while another caller recomputes) / all "
        "answers;\nfresh: fresh answers only; per key: computations per key computed at least once"
    )
    base, no_sf, sf, best = results
    print(
        f"\nsingle flight (narrow tags, without -> with): most computations of one key "
        f"{no_sf['per_key_max']} -> {sf['per_key_max']}, computations per second "
        f"{no_sf['computations'] / no_sf['wall']:.2f} -> {sf['computations'] / sf['wall']:.2f}, "
        f"p99 {no_sf['p99'] * 1000:,.0f} -> {sf['p99'] * 1000:,.0f} ms "
        f"({no_sf['p99'] / sf['p99']:.1f}x), reads/s {no_sf['reads'] / no_sf['wall']:.1f} -> "
        f"{sf['reads'] / sf['wall']:.1f}"
    )
    print(
        f"catalog now vs baseline: hit rate {base['hit_rate']:.1%} -> {best['hit_rate']:.1%}, "
        f"p99 {base['p99'] * 1000:,.0f} -> {best['p99'] * 1000:,.0f} ms "
        f"({base['p99'] / best['p99']:.1f}x), reads/s {base['reads'] / base['wall']:.1f} -> "
        f"{best['reads'] / best['wall']:.1f} "
        f"({(best['reads'] / best['wall']) / max(base['reads'] / base['wall'], 1e-9):.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
