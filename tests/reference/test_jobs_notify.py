"""Workers LISTEN on new_job: an enqueued job announces itself when its transaction commits, and
the maintenance tick announces delayed jobs once they are due. Real LISTEN on a second connection.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from sqlkit.testing import SqlkitServer, authenticate_as


@pytest.fixture
def listener(
    sqlkit_server: SqlkitServer, sqlkit_db: psycopg.Connection
) -> Iterator[psycopg.Connection]:
    with sqlkit_server.connect(sqlkit_db.info.dbname, autocommit=True) as conn:
        conn.execute("listen new_job")
        yield conn


def received(conn: psycopg.Connection, seconds: float = 2.0) -> list[str]:
    return [
        n.payload for n in conn.notifies(timeout=seconds, stop_after=1) if n.channel == "new_job"
    ]


def test_an_enqueued_job_wakes_listening_workers_on_commit(sqlkit_db, listener) -> None:
    authenticate_as(sqlkit_db, {"role": "service_role"})
    job = sqlkit_db.execute("select public.enqueue_job('send_email', '{}')").fetchone()[0]
    assert received(listener, 0.3) == [], "nothing before the commit"
    sqlkit_db.commit()
    assert received(listener) == [str(job)]


def test_a_rolled_back_job_wakes_nobody(sqlkit_db, listener) -> None:
    authenticate_as(sqlkit_db, {"role": "service_role"})
    sqlkit_db.execute("select public.enqueue_job('never', '{}')")
    sqlkit_db.rollback()
    assert received(listener, 0.3) == []


def test_the_maintenance_tick_wakes_workers_for_due_delayed_jobs(sqlkit_db, listener) -> None:
    authenticate_as(sqlkit_db, {"role": "service_role"})
    job = sqlkit_db.execute(
        "select public.enqueue_job('report', '{}', 0, now() + interval '1 hour')"
    ).fetchone()[0]
    sqlkit_db.commit()
    assert received(listener) == [str(job)]  # announced when created, not yet due
    authenticate_as(sqlkit_db, {"role": "service_role"})
    sqlkit_db.execute("select public.run_job_maintenance()")
    sqlkit_db.commit()
    assert received(listener, 0.3) == [], "nothing due: no wake-up"
    sqlkit_db.execute(
        "update public.background_jobs set scheduled_for = now() - interval '1 second' where id = %s",
        (job,),
    )
    sqlkit_db.commit()
    authenticate_as(sqlkit_db, {"role": "service_role"})
    assert sqlkit_db.execute("select public.run_job_maintenance() ->> 'due'").fetchone()[0] == "1"
    sqlkit_db.commit()
    assert received(listener) == ["due"]
