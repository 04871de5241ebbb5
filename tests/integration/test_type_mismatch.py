"""SK123 against a real server: PostgreSQL rejects the comparisons and INSERT/UPDATE values SK123
reports and accepts the ones it passes; the operator and cast tables it decides with agree with
the server; PL/pgSQL assignments convert through text at run time, so they are not reported."""

from __future__ import annotations

from pathlib import Path

import psycopg

from sqlkit import api
from sqlkit.data import catalog
from sqlkit.model.typecheck import _assignable, _has_operator
from sqlkit.testing import SqlkitServer

SETUP = """\
create table public.notes (
  id bigint primary key, owner uuid, status text, done boolean, born date, n int,
  code varchar(10), amount numeric, seen timestamptz, mood public.mood, who public.user_id
);
"""
TYPES = "create type public.mood as enum ('happy', 'sad');\ncreate domain public.user_id as uuid;\n"
NO_OPERATOR = "operator does not exist"
NO_CAST = "but expression is of type"
# (statement, what PostgreSQL says, None when it accepts it): one line each, so a finding's
# line names its statement
CASES = [
    (
        "create view public.v1 as select 1 from public.notes where owner = auth.uid()::text;",
        NO_OPERATOR,
    ),
    ("create view public.v2 as select 1 from public.notes where id = status;", NO_OPERATOR),
    ("create view public.v3 as select 1 from public.notes where done = 1;", NO_OPERATOR),
    ("create view public.v4 as select 1 from public.notes where status <> 1;", NO_OPERATOR),
    ("create view public.v5 as select 1 from public.notes where born > 1;", NO_OPERATOR),
    (
        "create function public.f6(p text) returns bigint language sql"
        " as $$ select count(*) from public.notes where id = p $$;",
        NO_OPERATOR,
    ),
    ("create view public.v7 as select 1 from public.notes where n = id and amount > n;", None),
    ("create view public.v8 as select 1 from public.notes where status = code;", None),
    (
        "create view public.v9 as select 1 from public.notes where owner = 'a0eebc99-9c0b"
        "-4ef8-bb6d-6bb9bd380a11' and mood = 'happy' and born < seen;",
        None,
    ),
    ("create view public.v10 as select 1 from public.notes where who = owner;", None),
    ("create view public.v11 as select 1 from public.notes where id = 1.5 and n = 2;", None),
    (
        "create view public.v16 as select 1 from public.notes where status = (select auth.uid());",
        NO_OPERATOR,
    ),
    (
        "create view public.v17 as select 1 from public.notes"
        " where owner = (select auth.uid()) and auth.role() = status;",
        None,
    ),
    (
        "create function public.f12(p text) returns void language sql"
        " as $$ insert into public.notes (id, owner) values (1, p) $$;",
        NO_CAST,
    ),
    (
        "create function public.f13(p int) returns void language sql"
        " as $$ update public.notes set done = p $$;",
        NO_CAST,
    ),
    (
        "create function public.f14(p int) returns void language sql as $$ insert into"
        " public.notes (id, status, amount, n) values (p, p, p, 2.5) $$;",
        None,
    ),
    (
        "create function public.f15() returns void language sql"
        " as $$ update public.notes set code = owner, born = seen, owner = who $$;",
        None,
    ),
]


def _fails(conn: psycopg.Connection, sql: str) -> str | None:
    """The error PostgreSQL raises for `sql`, or None (inside a savepoint either way)."""
    try:
        with conn.transaction():
            conn.execute(sql.encode())
    except psycopg.Error as exc:
        return str(exc)
    return None


def test_postgres_rejects_what_sk123_reports_and_accepts_what_it_passes(
    sqlkit_server: SqlkitServer, shim_db: str, tmp_path: Path
) -> None:
    with sqlkit_server.connect(shim_db) as conn:
        try:
            conn.execute((TYPES + SETUP).encode())
            rejected = {sql: _fails(conn, sql) for sql, _ in CASES}
        finally:
            conn.rollback()
    for sql, expected in CASES:
        error = rejected[sql]
        assert (error is None) == (expected is None), (sql, error)
        assert error is None or (expected is not None and expected in error), (sql, error)
    migration = tmp_path / "001.sql"
    migration.write_text(TYPES + SETUP + "".join(sql + "\n" for sql, _ in CASES))
    result = api.lint([str(migration)], select=["SK123"], cache=False)
    first = (TYPES + SETUP).count("\n") + 1
    lines = {f.line for f in result.findings}
    assert lines == {first + i for i, (_, bad) in enumerate(CASES) if bad}


def test_plpgsql_assignment_converts_through_text_at_run_time(
    sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    """`int := text`, `uuid := text` and SELECT ... INTO are accepted when the function is
    created and fail only for a value that does not convert: not a static error."""
    with sqlkit_server.connect(shim_db) as conn:
        try:
            conn.execute(
                b"create function public.a(p text, q text) returns int language plpgsql as $$"
                b" declare n int; v uuid; m int;"
                b" begin n := p; v := q; select p into m; return n + m; end $$;"
            )
            row = conn.execute(
                b"select public.a('5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')"
            ).fetchone()
            assert row == (10,)
            error = _fails(conn, "select public.a('x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')")
            assert error is not None and "invalid input syntax for type integer" in error
        finally:
            conn.rollback()


OPERATORS = ("=", "<>", "<", "<=", ">", ">=")


def test_no_operator_means_postgres_says_operator_does_not_exist(
    sqlkit_server: SqlkitServer,
) -> None:
    """For every pair of pg_catalog base types sqlkit types and every comparison: where
    `_has_operator` finds none, PostgreSQL's operator resolution finds none either (one
    server-side loop, one round trip)."""
    types = sorted(catalog().types)
    with sqlkit_server.connect("postgres") as conn:
        try:
            conn.execute(
                b"create function pg_temp.refused(ts text[], ops text[])"
                b" returns table (l text, op text, r text, state text) language plpgsql as $$"
                b" begin"
                b"  foreach l in array ts loop foreach r in array ts loop"
                b"   foreach op in array ops loop"
                b"    begin"
                b"     execute format('select null::%I %s null::%I', l, op, r);"
                b"    exception when others then state := sqlstate; return next;"
                b"    end;"
                b"   end loop;"
                b"  end loop; end loop;"
                b" end $$"
            )
            rows = conn.execute(
                b"select * from pg_temp.refused(%s, %s)", (types, list(OPERATORS))
            ).fetchall()
        finally:
            conn.rollback()
    refused = {(left, op, right): state for left, op, right, state in rows}
    checked = 0
    for left in types:
        for right in types:
            for op in OPERATORS:
                if not _has_operator(op, left, right):
                    checked += 1
                    assert refused.get((left, op, right)) == "42883", (left, op, right)
    assert checked > 1000  # most pairs of types have no operator


def test_no_assignment_cast_means_postgres_refuses_the_value(sqlkit_server: SqlkitServer) -> None:
    """For every pair of pg_catalog base types sqlkit types: where `_assignable` says a value
    of one cannot go into a column of the other, PostgreSQL refuses the INSERT with
    `column ... is of type ... but expression is of type ...` (42804)."""
    types = sorted(catalog().types)
    with sqlkit_server.connect("postgres") as conn:
        try:
            conn.execute(
                b"create function pg_temp.refused(ts text[])"
                b" returns table (v text, t text, state text) language plpgsql as $$"
                b" begin"
                b"  foreach t in array ts loop"
                b"   execute format('create temp table %I (c %I)', 'into_' || t, t);"
                b"   foreach v in array ts loop"
                b"    begin"
                b"     execute format('insert into %I values (null::%I)', 'into_' || t, v);"
                b"    exception when others then state := sqlstate; return next;"
                b"    end;"
                b"   end loop;"
                b"  end loop;"
                b" end $$"
            )
            rows = conn.execute(b"select * from pg_temp.refused(%s)", (types,)).fetchall()
        finally:
            conn.rollback()
    refused = {(value, target): state for value, target, state in rows}
    checked = 0
    for value in types:
        for target in types:
            if not _assignable(value, target):
                checked += 1
                assert refused.get((value, target)) == "42804", (value, target)
    assert checked > 1000


def test_a_cast_or_operator_the_files_create_makes_postgres_accept_the_pair(
    sqlkit_server: SqlkitServer, shim_db: str, tmp_path: Path
) -> None:
    """Why SK123 leaves alone the types of a CREATE CAST ... AS IMPLICIT or a comparison
    CREATE OPERATOR: PostgreSQL then accepts the pair."""
    sql = (
        "create cast (varchar as uuid) with inout as implicit;\n"
        "create table public.t (owner uuid, code varchar(36));\n"
        "create view public.v as select 1 from public.t where owner = code;\n"
    )
    with sqlkit_server.connect(shim_db) as conn:
        try:
            assert _fails(conn, sql.split("\n", 1)[1]) is not None  # without the cast
            assert _fails(conn, sql) is None
        finally:
            conn.rollback()
    migration = tmp_path / "001.sql"
    migration.write_text(sql)
    assert api.lint([str(migration)], select=["SK123"], cache=False).findings == []
