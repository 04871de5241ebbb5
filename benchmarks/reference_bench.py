"""Catalog benchmark: the four measurements of CATALOG.md, each against its baseline, in one run.

1. consolidated RPC vs the 1 + N queries it replaces (queries sent, wall time), over TCP
   to 127.0.0.1 and through a proxy that adds 1 ms and 5 ms each way (round trips of
   about 2 and 10 ms, as between an application and its hosted database), with 20
   expert sessions / 20 clients;
2. cache hit vs the uncached aggregate (latency), and hit throughput of 8 clients on one key;
3. statement-level vs row-level invalidation of a 10,000-row update;
4. keyset vs OFFSET export of 50,000 learners in pages of 1,000.
Targets: >= 5x for the expert sessions screen and >= 10x for the client dashboard (judged at the
2 ms round trip), >= 10x, >= 20x, >= 10x respectively.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg
from latency import delayed_port
from psycopg.types.json import Jsonb

from sqlkit.config import load_settings
from sqlkit.engines import resolve
from sqlkit.engines.base import Server, create_database
from sqlkit.verify.runner import build_template

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {
    "sub": "00000000-0000-0000-0000-0000000000a1",
    "role": "authenticated",
    "user_role": "admin",
}

DATA_TEMPLATE = """
insert into public.clients (id, name)
select gen_random_uuid(), 'Client ' || g from generate_series(1, 20) g;
insert into public.products (id, name) select gen_random_uuid(), 'Product ' || g from generate_series(1, 10) g;
insert into public.client_product_assignments (client_id, product_id)
select c.id, p.id from public.clients c cross join public.products p where c.name like 'Client %';
insert into public.modules (id, product_id, name, type, sequence)
select gen_random_uuid(), p.id, 'Module ' || g, case when g % 5 = 0 then 'Assessment' else 'Course' end, g
from public.products p cross join generate_series(1, 5) g where p.name like 'Product %';
insert into auth.users (id) select gen_random_uuid() from generate_series(1, {learners});
insert into public.students (id, client_id, full_name, created_at)
select n.id, c.id, 'Learner', timestamptz '2024-01-01' + n.rn * interval '1 minute'
from (select u.id, row_number() over (order by u.id) as rn from auth.users u where u.email is null) n
join (select c.id, row_number() over (order by c.name, c.id) - 1 as k from public.clients c
      where c.name like 'Client %') c on c.k = n.rn % 20;
insert into public.student_module_progress (student_id, module_id, status, progress_percentage)
select s.id, m.id, case when random() < 0.5 then 'Completed' else 'InProgress' end, 50
from (select id, client_id from public.students where full_name = 'Learner' limit {with_progress}) s
join public.client_product_assignments a on a.client_id = s.client_id
join public.modules m on m.product_id = a.product_id;
insert into public.assessment_submissions (student_id, assessment_id, answers, score, passed)
select smp.student_id, smp.module_id, '{}', (random() * 100)::numeric(5, 2), random() < 0.6
from public.student_module_progress smp join public.modules m on m.id = smp.module_id where m.type = 'Assessment';
insert into public.job_readiness_expert_sessions (id, title, video_url, video_duration, created_at)
select gen_random_uuid(), 'Session ' || g, 'https://v/' || g, 600, timestamptz '2025-01-01' + g * interval '1 day'
from generate_series(1, 18) g;
insert into public.job_readiness_expert_session_products (expert_session_id, product_id)
select es.id, p.id from public.job_readiness_expert_sessions es cross join lateral
  (select id from public.products where name like 'Product %' order by random() limit 2) p
where es.title like 'Session %';
insert into public.job_readiness_expert_session_progress (student_id, expert_session_id, watch_time_seconds, is_completed)
select s.id, es.id, (random() * 600)::int, random() < 0.4
from (select id from public.students where full_name = 'Learner' limit {viewers}) s
cross join public.job_readiness_expert_sessions es where es.is_active;
delete from private.query_cache;
analyze;
"""


# A dashboard-sized tenant base (where the 1 + N pattern lives) and an export-sized one.
def _data(learners: int, with_progress: int, viewers: int) -> str:
    return (
        DATA_TEMPLATE.replace("{learners}", str(learners))
        .replace("{with_progress}", str(with_progress))
        .replace("{viewers}", str(viewers))
    )


SCREENS = _data(1000, 1000, 25)
BULK = _data(50000, 5000, 2000)


def timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` runs (after one warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def as_admin(conn: psycopg.Connection) -> None:
    conn.execute("select sqlkit_test.authenticate_as(%s)", (Jsonb(ADMIN),))


def round_trip_screens(server: Server, label: str) -> list[tuple[str, str, str, float, float]]:
    """Measurement 1: each consolidated RPC against the 1 + N queries it replaces."""
    rows: list[tuple[str, str, str, float, float]] = []
    with server.connect("screens", autocommit=False) as conn:
        as_admin(conn)
        count = {"n": 0}

        def one_plus_n() -> None:
            count["n"] = 1
            ids = conn.execute(
                "select id, title from public.job_readiness_expert_sessions "
                "where is_active order by created_at, id"
            ).fetchall()
            for sid, _ in ids:
                conn.execute(
                    "select count(*), count(*) filter (where is_completed), avg(watch_time_seconds) "
                    "from public.job_readiness_expert_session_progress where expert_session_id = %s",
                    (sid,),
                ).fetchone()
                conn.execute(
                    "select p.id, p.name from public.job_readiness_expert_session_products sp "
                    "join public.products p on p.id = sp.product_id where sp.expert_session_id = %s",
                    (sid,),
                ).fetchall()
                count["n"] += 2

        def consolidated() -> None:
            conn.execute("select public.get_expert_sessions_with_stats()").fetchone()

        base = timed(one_plus_n, 20)
        queries = count["n"]
        fast = timed(consolidated, 20)
        rows.append(
            (f"expert sessions screen, {label}", f"1 + 2N = {queries} queries", "1 RPC", base, fast)
        )

        clients = conn.execute("select count(*) from public.clients").fetchone()[0]

        def dashboard_naive() -> None:
            count["n"] = 1
            for (cid,) in conn.execute(
                "select id from public.clients order by name, id"
            ).fetchall():
                conn.execute(
                    "select count(*) from public.students where client_id = %s", (cid,)
                ).fetchone()
                conn.execute(
                    "select p.id, p.name from public.client_product_assignments a join public.products p "
                    "on p.id = a.product_id where a.client_id = %s",
                    (cid,),
                ).fetchall()
                conn.execute(
                    "select smp.student_id, smp.module_id, smp.status, smp.last_updated "
                    "from public.student_module_progress smp join public.students s on s.id = smp.student_id "
                    "where s.client_id = %s order by smp.last_updated desc limit 5",
                    (cid,),
                ).fetchall()
                count["n"] += 3

        def dashboard() -> None:
            conn.execute("select public.get_client_dashboard_data()").fetchone()

        base = timed(dashboard_naive, 10)
        queries = count["n"]
        fast = timed(dashboard, 10)
        rows.append(
            (
                f"client dashboard ({clients} clients), {label}",
                f"1 + 3N = {queries} queries",
                "1 RPC",
                base,
                fast,
            )
        )
        conn.rollback()

    return rows


def measured_rtt(server: Server) -> float:
    with server.connect("screens") as conn:
        return timed(lambda: conn.execute("select 1").fetchone(), 50)


def main() -> int:
    settings = load_settings(ROOT)
    engine = resolve(settings, "embedded")
    rows: list[tuple[str, str, str, float, float]] = []
    with engine.running() as server:
        create_database(server, "bench")
        build_template(server, settings, "bench", "embedded")
        create_database(server, "screens", template="bench")
        tcp = Server(host="127.0.0.1", port=server.port)  # a real TCP connection, not the socket
        with tcp.connect("screens") as conn:
            conn.execute(SCREENS.encode())
        with tcp.connect("bench") as conn:
            start = time.perf_counter()
            conn.execute(BULK.encode())
            print(
                f"data: 'screens' 1,000 learners / 20 clients / 20 expert sessions; "
                f"'bulk' 50,000 learners ({time.perf_counter() - start:.1f}s to load)"
            )

        # 1. consolidated RPC vs 1 + N (dashboard-sized data), over loopback and over a network
        #    with a round-trip time (a delaying proxy): the cost 1 + N pays is round trips
        rtts = []
        for one_way in (0.0, 0.001, 0.005):
            if one_way == 0.0:
                rtt = measured_rtt(tcp)
                rtts.append(rtt)
                rows += round_trip_screens(tcp, f"loopback, RTT {rtt * 1000:.2f} ms")
                continue
            with delayed_port(server.port, one_way) as port:
                delayed = Server(host="127.0.0.1", port=port)
                rtt = measured_rtt(delayed)
                rtts.append(rtt)
                rows += round_trip_screens(delayed, f"RTT {rtt * 1000:.1f} ms")

        # 2. cache hit vs uncached ----------------------------------------------------------------
        with tcp.connect("bench", autocommit=False) as conn:

            def uncached() -> None:
                as_admin(conn)
                conn.execute("select public.calculate_product_performance()").fetchone()
                conn.commit()

            def hit() -> None:
                as_admin(conn)
                conn.execute("select public.get_product_performance_cached()").fetchone()
                conn.commit()

            base = timed(uncached, 10)
            fast = timed(hit, 50)
            rows.append(("product performance", "uncached aggregate", "cache hit", base, fast))

        calls = 200
        errors: list[BaseException] = []

        def client() -> None:
            try:
                with tcp.connect("bench", autocommit=False) as c:
                    for _ in range(calls):
                        as_admin(c)
                        c.execute("select public.get_product_performance_cached()").fetchone()
                        c.commit()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=client) for _ in range(8)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        assert not errors, errors[0]
        throughput = 8 * calls / elapsed

        # 3. statement-level vs row-level invalidation ---------------------------------------------
        with server.connect("bench", autocommit=False) as conn:
            conn.execute("""
                create function private.invalidate_per_row() returns trigger language plpgsql
                security definer set search_path = '' as $$
                begin
                  perform private.cache_invalidate_tags(array['students', 'student:' || new.id::text,
                                                              'client:' || new.client_id::text]);
                  return null;
                end $$""")
            conn.commit()
            fill = (
                "select private.cache_set('k' || g, 'global', '1', array['student:' || g, 'other'], "
                "interval '1 hour') from generate_series(1, 2000) g"
            )
            update = (
                "update public.students set updated_at = now() where id in "
                "(select id from public.students order by created_at, id limit 10000)"
            )

            def run_update(per_row: bool) -> float:
                if per_row:
                    conn.execute("alter table public.students disable trigger students_cache_upd")
                    conn.execute(
                        "create trigger per_row after update on public.students for each row "
                        "execute function private.invalidate_per_row()"
                    )
                conn.execute(fill)
                start = time.perf_counter()
                conn.execute(update)  # only the UPDATE (and its triggers) is timed
                elapsed = time.perf_counter() - start
                conn.rollback()
                return elapsed

            run_update(False)
            fast = statistics.median(run_update(False) for _ in range(3))
            base = statistics.median(run_update(True) for _ in range(3))
            rows.append(
                (
                    "10,000-row update, cache invalidation",
                    "row-level trigger",
                    "statement-level",
                    base,
                    fast,
                )
            )

        # 4. keyset vs OFFSET export ---------------------------------------------------------------
        with tcp.connect("bench", autocommit=False) as conn:

            def keyset() -> None:
                as_admin(conn)
                after = (None, None)
                total = 0
                while True:
                    page = conn.execute(
                        "select id, created_at from public.get_learner_export_batch("
                        "p_after_created_at => %s, p_after_id => %s, p_limit => 1000)",
                        after,
                    ).fetchall()
                    if not page:
                        break
                    total += len(page)
                    after = (page[-1][1], page[-1][0])
                assert total >= 50000, total
                conn.commit()

            def offset() -> None:
                # the naive export runs as the owner (no RLS, no function call): a generous baseline
                total = 0
                page_no = 0
                while True:
                    page = conn.execute(
                        "select s.id, s.full_name, u.email, c.name, s.is_active, s.created_at, s.last_login_at "
                        "from public.students s join public.clients c on c.id = s.client_id "
                        "left join auth.users u on u.id = s.id order by s.created_at, s.id "
                        "limit 1000 offset %s",
                        (page_no * 1000,),
                    ).fetchall()
                    if not page:
                        break
                    total += len(page)
                    page_no += 1
                assert total >= 50000, total
                conn.commit()

            fast = timed(keyset, 2)
            base = timed(offset, 2)
            rows.append(("export 50,000 learners, pages of 1,000", "OFFSET", "keyset", base, fast))

    # the round-trip targets are judged on a real network: the 2 ms RTT rows
    targets = [None, None, 5, 10, None, None, 10, 20, 10]
    print(
        f"\n{'measurement':<52} {'baseline':<24} {'sqlkit catalog':<16} {'baseline ms':>12} {'catalog ms':>11} {'speed-up':>9} {'target':>7}"
    )
    all_met = True
    for (name, base_label, label, base, fast), target in zip(rows, targets, strict=True):
        ratio = base / fast
        all_met &= target is None or ratio >= target
        shown = f">={target}x" if target else "-"
        print(
            f"{name:<52} {base_label:<24} {label:<16} {base * 1000:>12.1f} {fast * 1000:>11.2f} "
            f"{ratio:>8.1f}x {shown:>7}"
        )
    print(
        f"\ncache hit throughput, 8 clients on one key: {throughput:,.0f} calls/s "
        f"({8 * calls} calls in {elapsed:.2f}s, each call in its own transaction)"
    )
    print("targets:", "met" if all_met else "NOT all met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
