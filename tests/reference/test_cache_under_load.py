"""The cache under concurrent callers: single flight, stale-while-revalidate, writes during a
computation. Real connections to one clone; a computation is held in place by an advisory lock
(or a table lock) that the test owns, so "concurrent" is a fact, not a race.

Each behaviour is also shown failing on the naive wrapper (the same template with
single_flight off, or the cache_store generation check taken out), so the tests bite.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sqlkit.config import load_settings
from sqlkit.errors import TemplateError
from sqlkit.render.render import Renderer
from sqlkit.testing import SqlkitServer, authenticate_as
from tests.conftest import lint_text

ROOT = Path(__file__).resolve().parent.parent.parent
ADMIN = {
    "sub": "00000000-0000-0000-0000-0000000000a1",
    "role": "authenticated",
    "user_role": "admin",
}
HOLD = 4242  # the advisory lock a slow computation waits for; the test holds it

# A computation that reads its data first and then waits for the test: a long query, in effect.
SLOW = """
create or replace function public.slow_students() returns jsonb language plpgsql volatile
set search_path = '' as $fn$
declare
  v jsonb := (select jsonb_build_object('students', count(*)) from public.students);
begin
  perform pg_advisory_xact_lock(4242);
  return v;
end
$fn$;
"""


def wrapper(**params: Any) -> str:
    """The cached-rpc template around slow_students(), with the given options."""
    renderer = Renderer(load_settings(ROOT))
    base = {
        "name": "slow_students_cached",
        "compute": "public.slow_students()",
        "tags": ["students"],
        "scope": "global",
        "allowed_roles": ["admin"],
        "ttl": "1 hour",
    }
    return renderer.render_template("cached-rpc", {**base, **params})


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"single_flight": False},
        {"stale_ttl": "1 minute", "wait": "30 seconds"},
        {"scope": "tenant", "dynamic_tags": "array['x:' || v_scope]"},
    ],
    ids=["default", "no-single-flight", "stale-while-revalidate", "dynamic-tags"],
)
def test_every_cache_option_renders_lint_clean(options: dict[str, Any]) -> None:
    framework = Renderer(load_settings(ROOT)).render_template("cache-framework", {})
    script = SLOW + framework + wrapper(**options)
    findings = lint_text(script, path="rendered.sql").findings
    assert not findings, "\n".join(f"{f.line} {f.code} {f.message}" for f in findings)


def test_stale_while_revalidate_needs_single_flight() -> None:
    with pytest.raises(TemplateError, match="stale_ttl needs single_flight"):
        wrapper(single_flight=False, stale_ttl="1 minute")


class Caller(threading.Thread):
    """One API caller: one transaction, one call, committed; keeps the result and its time."""

    def __init__(self, server: SqlkitServer, dbname: str, sql: str, lock_timeout: str = "") -> None:
        super().__init__(daemon=True)
        self.conn = server.connect(dbname)
        self.pid = self.conn.info.backend_pid
        self.sql, self.lock_timeout = sql, lock_timeout
        self.result: Any = None
        self.error: BaseException | None = None
        self.seconds = 0.0

    def run(self) -> None:
        try:
            start = time.perf_counter()
            authenticate_as(self.conn, ADMIN)
            if self.lock_timeout:
                self.conn.execute(f"set local lock_timeout = '{self.lock_timeout}'")
            self.result = self.conn.execute(self.sql).fetchone()[0]
            self.conn.commit()
            self.seconds = time.perf_counter() - start
        except BaseException as exc:
            self.error = exc
        finally:
            self.conn.close()

    def finish(self) -> Any:
        self.join(30)
        assert not self.is_alive(), "caller still running"
        if self.error:
            raise self.error
        return self.result


@pytest.fixture
def control(
    sqlkit_server: SqlkitServer, sqlkit_db: psycopg.Connection
) -> Iterator[psycopg.Connection]:
    """A superuser connection in autocommit: sets things up, holds locks, watches pg_locks."""
    sqlkit_db.execute(SLOW)
    sqlkit_db.commit()
    with sqlkit_server.connect(sqlkit_db.info.dbname, autocommit=True) as conn:
        yield conn


def waiting(control: psycopg.Connection, pid: int, locktype: str) -> bool:
    row = control.execute(
        "select exists (select 1 from pg_locks where pid = %s and not granted and locktype = %s)",
        (pid, locktype),
    ).fetchone()
    return bool(row and row[0])


def until(check: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def stats(control: psycopg.Connection) -> dict[str, int]:
    row = control.execute("select hits, misses, stale_hits from private.cache_stats()").fetchone()
    return {"hits": row[0], "misses": row[1], "stale_hits": row[2]}


def two_concurrent_misses(
    server: SqlkitServer, control: psycopg.Connection, sql: str
) -> tuple[Any, Any]:
    """A first caller misses and computes (held); a second misses while it does; then release."""
    dbname = control.info.dbname
    control.execute("select pg_advisory_lock(%s)", (HOLD,))
    first = Caller(server, dbname, sql)
    first.start()
    until(lambda: waiting(control, first.pid, "advisory"), "the first caller computes (held)")
    second = Caller(server, dbname, sql)
    second.start()
    time.sleep(0.3)  # the second caller has missed too by now (and waits, or computes)
    control.execute("select pg_advisory_unlock(%s)", (HOLD,))
    return first.finish(), second.finish()


def test_two_concurrent_misses_compute_once(sqlkit_server, control) -> None:
    control.execute(wrapper().encode())
    before = stats(control)
    a, b = two_concurrent_misses(sqlkit_server, control, "select public.slow_students_cached()")
    after = stats(control)
    assert a == b == {"students": 3}
    assert after["misses"] - before["misses"] == 1, "one computation for two concurrent misses"
    assert after["hits"] - before["hits"] == 1, "the second caller read the first one's result"


def test_naive_wrapper_computes_twice(sqlkit_server, control) -> None:
    """Without single flight (the naive wrapper) both callers compute: proof the test above bites."""
    control.execute(wrapper(single_flight=False).encode())
    before = stats(control)
    two_concurrent_misses(sqlkit_server, control, "select public.slow_students_cached()")
    assert stats(control)["misses"] - before["misses"] == 2


def test_product_performance_misses_compute_once(sqlkit_server, control) -> None:
    """The catalog's expensive wrapper itself: held by a table lock its computation needs."""
    dbname = control.info.dbname
    sql = "select public.get_product_performance_cached()"
    before = stats(control)
    with sqlkit_server.connect(dbname) as blocker:
        blocker.execute("lock table public.assessment_submissions in access exclusive mode")
        first = Caller(sqlkit_server, dbname, sql)
        first.start()
        until(lambda: waiting(control, first.pid, "relation"), "the first caller computes (held)")
        second = Caller(sqlkit_server, dbname, sql)
        second.start()
        until(lambda: waiting(control, second.pid, "advisory"), "the second caller waits for it")
        blocker.rollback()
    assert first.finish() == second.finish()
    assert stats(control)["misses"] - before["misses"] == 1


def test_a_waiting_caller_gives_up_after_the_wait_bound(sqlkit_server, control) -> None:
    control.execute(wrapper(wait="1 seconds").encode())
    control.execute("select pg_advisory_lock(%s)", (HOLD,))
    dbname = control.info.dbname
    first = Caller(sqlkit_server, dbname, "select public.slow_students_cached()")
    first.start()
    until(lambda: waiting(control, first.pid, "advisory"), "the first caller computes (held)")
    second = Caller(sqlkit_server, dbname, "select public.slow_students_cached()")
    second.start()
    # after 1 s the second caller stops waiting for the first and computes itself (it is then
    # held by the test's lock like the first one)
    until(lambda: waiting(control, second.pid, "advisory"), "the second caller waits")
    time.sleep(1.3)
    row = control.execute(
        "select l.objid from pg_locks l where l.pid = %s and not l.granted and l.locktype = 'advisory'",
        (second.pid,),
    ).fetchone()
    assert row == (HOLD,), "after the wait bound it computes (waits for the test's lock instead)"
    control.execute("select pg_advisory_unlock(%s)", (HOLD,))
    assert first.finish() == second.finish() == {"students": 3}


def test_stale_while_revalidate_serves_the_old_value_at_once(sqlkit_server, control) -> None:
    control.execute(wrapper(stale_ttl="5 minutes").encode())
    dbname = control.info.dbname
    sql = "select public.slow_students_cached()"
    warm = Caller(sqlkit_server, dbname, sql)
    warm.start()
    assert warm.finish() == {"students": 3}
    control.execute(
        "insert into auth.users (id) values ('00000000-0000-0000-0000-0000000000b4');"
        "insert into public.students (id, client_id, full_name) values "
        "('00000000-0000-0000-0000-0000000000b4', '00000000-0000-0000-0000-00000000c11a', 'New')"
    )  # the students trigger invalidates the entry: stale now
    control.execute("select pg_advisory_lock(%s)", (HOLD,))
    refresher = Caller(sqlkit_server, dbname, sql)
    refresher.start()
    until(lambda: waiting(control, refresher.pid, "advisory"), "one caller recomputes (held)")
    before = stats(control)
    # another caller meanwhile gets the previous value at once (a lock wait would fail)
    reader = Caller(sqlkit_server, dbname, sql, lock_timeout="200ms")
    reader.start()
    assert reader.finish() == {"students": 3}
    assert reader.seconds < 1.0
    assert stats(control)["stale_hits"] - before["stale_hits"] == 1
    control.execute("select pg_advisory_unlock(%s)", (HOLD,))
    assert refresher.finish() == {"students": 4}
    after = Caller(sqlkit_server, dbname, sql)
    after.start()
    assert after.finish() == {"students": 4}, "fresh again after the recomputation"


def test_without_a_stale_window_the_reader_waits(sqlkit_server, control) -> None:
    """The same scenario on the default wrapper (no stale_ttl): the reader waits for the result."""
    control.execute(wrapper().encode())
    dbname = control.info.dbname
    sql = "select public.slow_students_cached()"
    warm = Caller(sqlkit_server, dbname, sql)
    warm.start()
    warm.finish()
    control.execute("update public.students set updated_at = now()")
    control.execute("select pg_advisory_lock(%s)", (HOLD,))
    refresher = Caller(sqlkit_server, dbname, sql)
    refresher.start()
    until(lambda: waiting(control, refresher.pid, "advisory"), "one caller recomputes (held)")
    reader = Caller(sqlkit_server, dbname, sql, lock_timeout="200ms")
    reader.start()
    until(lambda: waiting(control, reader.pid, "advisory"), "the reader waits")
    control.execute("select pg_advisory_unlock(%s)", (HOLD,))
    assert refresher.finish() == reader.finish() == {"students": 3}


@pytest.mark.parametrize("naive", [False, True], ids=["generation-check", "naive"])
def test_a_write_during_a_computation_is_not_hidden_for_a_ttl(
    sqlkit_server, control, naive
) -> None:
    """A result computed from data read before a write commits must not be stored as fresh."""
    control.execute(wrapper().encode())
    if naive:  # cache_store without the generation check: what the cache did before
        body = control.execute(
            "select pg_get_functiondef('private.cache_store(text, text, jsonb, text[], interval, interval, bigint)'::regprocedure)"
        ).fetchone()[0]
        assert "q.generation = coalesce(p_generation, 0)" in body
        control.execute(body.replace("q.generation = coalesce(p_generation, 0)", "true").encode())
    dbname = control.info.dbname
    sql = "select public.slow_students_cached()"
    warm = Caller(sqlkit_server, dbname, sql)
    warm.start()
    warm.finish()
    control.execute("update private.query_cache set expires_at = now() - interval '1 second'")
    control.execute("select pg_advisory_lock(%s)", (HOLD,))
    computing = Caller(sqlkit_server, dbname, sql)
    computing.start()  # counts 3 students, then is held
    until(lambda: waiting(control, computing.pid, "advisory"), "the computation has read its data")
    control.execute(
        "insert into auth.users (id) values ('00000000-0000-0000-0000-0000000000b4');"
        "insert into public.students (id, client_id, full_name) values "
        "('00000000-0000-0000-0000-0000000000b4', '00000000-0000-0000-0000-00000000c11a', 'New')"
    )
    control.execute("select pg_advisory_unlock(%s)", (HOLD,))
    assert computing.finish() == {"students": 3}  # it read before the insert committed
    later = Caller(sqlkit_server, dbname, sql)
    later.start()
    if naive:
        assert later.finish() == {"students": 3}, (
            "the naive cache hides the new student for an hour"
        )
    else:
        assert later.finish() == {"students": 4}, "the stale result was stored already stale"
