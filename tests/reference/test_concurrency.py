"""Catalog behaviour that needs several live connections: job claims, cache hits, exports.

Each test has its own clone of the catalog (schema, functions, seed) from the sqlkit
pytest plugin; a second connection to the same clone plays the other worker.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from sqlkit.testing import SqlkitServer, authenticate_as

ADMIN = {
    "sub": "00000000-0000-0000-0000-0000000000a1",
    "role": "authenticated",
    "user_role": "admin",
}
STAFF = {
    "sub": "00000000-0000-0000-0000-0000000000a2",
    "role": "authenticated",
    "user_role": "staff",
}
CLIENT_A = "00000000-0000-0000-0000-00000000c11a"


@pytest.fixture
def second(
    sqlkit_server: SqlkitServer, sqlkit_db: psycopg.Connection
) -> Iterator[psycopg.Connection]:
    with sqlkit_server.connect(sqlkit_db.info.dbname) as conn:
        yield conn


def test_two_workers_claiming_at_once_never_share_a_job(sqlkit_db, second) -> None:
    sqlkit_db.execute(
        "select public.enqueue_job('job', jsonb_build_object('n', g)) from generate_series(1, 20) g"
    )
    sqlkit_db.commit()
    authenticate_as(sqlkit_db, {"role": "service_role"})
    first_ids = [
        r[0] for r in sqlkit_db.execute("select id from public.claim_jobs('w1', 8)")
    ]  # locks held
    authenticate_as(second, {"role": "service_role"})
    second.execute("set local lock_timeout = '200ms'")  # a claim that waited would fail here
    second_ids = [r[0] for r in second.execute("select id from public.claim_jobs('w2', 8)")]
    assert len(first_ids) == 8 and len(second_ids) == 8
    assert not set(first_ids) & set(second_ids)
    sqlkit_db.commit()
    second.commit()
    rows = sqlkit_db.execute(
        "select locked_by, count(*) from public.background_jobs group by 1 order by 1 nulls first"
    ).fetchall()
    assert rows == [(None, 4), ("w1", 8), ("w2", 8)]


def test_claims_without_skip_locked_would_block(sqlkit_db, second) -> None:
    """The naive claim (FOR UPDATE without SKIP LOCKED) waits for the first worker: proof the test bites."""
    sqlkit_db.execute("select public.enqueue_job('job', '{}') from generate_series(1, 4)")
    sqlkit_db.commit()
    naive = (
        "select j.id from public.background_jobs j where j.status = 'pending' "
        "order by j.priority desc, j.created_at, j.id limit 2 for update"
    )
    sqlkit_db.execute(naive)
    second.execute("set local lock_timeout = '200ms'")
    with pytest.raises(psycopg.errors.LockNotAvailable):
        second.execute(naive)
    second.rollback()
    sqlkit_db.rollback()


def test_concurrent_cache_hits_do_not_wait_for_each_other(sqlkit_db, second) -> None:
    authenticate_as(sqlkit_db, ADMIN)
    value = sqlkit_db.execute("select public.get_expert_sessions_cached()").fetchone()[0]
    sqlkit_db.commit()
    # reader 1 hits and keeps its transaction open: it holds the row's lock from the hit count
    authenticate_as(sqlkit_db, ADMIN)
    assert sqlkit_db.execute("select public.get_expert_sessions_cached()").fetchone()[0] == value
    # reader 2 must get the value at once, not queue behind reader 1
    authenticate_as(second, ADMIN)
    second.execute("set local lock_timeout = '200ms'")
    assert second.execute("select public.get_expert_sessions_cached()").fetchone()[0] == value
    second.commit()
    sqlkit_db.commit()
    hits = sqlkit_db.execute("select hit_count from private.query_cache").fetchone()[0]
    assert hits == 1  # reader 2 skipped the bookkeeping instead of waiting


def test_eight_clients_hammering_one_key(sqlkit_server: SqlkitServer, sqlkit_db) -> None:
    authenticate_as(sqlkit_db, ADMIN)
    expected = sqlkit_db.execute("select public.get_job_readiness_products_cached()").fetchone()[0]
    sqlkit_db.commit()
    errors: list[BaseException] = []

    def client() -> None:
        try:
            with sqlkit_server.connect(sqlkit_db.info.dbname) as conn:
                for _ in range(25):
                    authenticate_as(conn, ADMIN)
                    conn.execute("set local lock_timeout = '500ms'")
                    assert (
                        conn.execute(
                            "select public.get_job_readiness_products_cached()"
                        ).fetchone()[0]
                        == expected
                    )
                    conn.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert sqlkit_db.execute("select count(*) from private.query_cache").fetchone()[0] == 1


def test_keyset_export_is_exact_while_learners_are_inserted(sqlkit_db, second) -> None:
    sqlkit_db.execute(
        "insert into auth.users (id) select gen_random_uuid() from generate_series(1, 200)"
    )
    sqlkit_db.execute(
        """
        insert into public.students (id, client_id, full_name, created_at)
        select u.id, %s, 'Learner', timestamptz '2025-02-01' + (row_number() over (order by u.id) %% 13) * interval '1 minute'
        from auth.users u where u.email is null
    """,
        (CLIENT_A,),
    )
    sqlkit_db.commit()
    original = {r[0] for r in sqlkit_db.execute("select id from public.students")}
    authenticate_as(second, STAFF)
    second.commit()
    seen: list[uuid.UUID] = []
    after = (None, None)
    page = 0
    while True:
        authenticate_as(second, STAFF)
        rows = second.execute(
            "select id, created_at from public.get_learner_export_batch(p_after_created_at => %s, p_after_id => %s, p_limit => 25)",
            after,
        ).fetchall()
        second.commit()
        if not rows:
            break
        seen.extend(r[0] for r in rows)
        after = (rows[-1][1], rows[-1][0])
        page += 1
        # between pages, other sessions add learners before and after the cursor
        sqlkit_db.execute(
            """
            with u as (insert into auth.users (id) select gen_random_uuid() from generate_series(1, 3) returning id)
            insert into public.students (id, client_id, full_name, created_at)
            select u.id, %s, 'Late joiner', case when random() < 0.5 then timestamptz '2024-01-01' else now() end from u
        """,
            (CLIENT_A,),
        )
        sqlkit_db.commit()
    assert len(seen) == len(set(seen)), "a learner appeared twice"
    assert original <= set(seen), "a learner present from the start was skipped"


def test_offset_export_would_duplicate_under_the_same_inserts(sqlkit_db) -> None:
    """What the keyset export fixes: OFFSET pages shift when rows are inserted before the cursor."""
    sqlkit_db.execute(
        "insert into auth.users (id) select gen_random_uuid() from generate_series(1, 40)"
    )
    sqlkit_db.execute(
        """
        insert into public.students (id, client_id, full_name, created_at)
        select u.id, %s, 'Learner', timestamptz '2025-02-01' from auth.users u where u.email is null
    """,
        (CLIENT_A,),
    )
    first = [
        r[0]
        for r in sqlkit_db.execute(
            "select id from public.students order by created_at, id limit 10 offset 0"
        )
    ]
    sqlkit_db.execute(
        """
        with u as (insert into auth.users (id) select gen_random_uuid() from generate_series(1, 5) returning id)
        insert into public.students (id, client_id, full_name, created_at) select u.id, %s, 'Early', timestamptz '2024-01-01' from u
    """,
        (CLIENT_A,),
    )
    second_page = [
        r[0]
        for r in sqlkit_db.execute(
            "select id from public.students order by created_at, id limit 10 offset 10"
        )
    ]
    assert set(first) & set(second_page), "OFFSET repeats rows after an insert before the window"
    sqlkit_db.rollback()
