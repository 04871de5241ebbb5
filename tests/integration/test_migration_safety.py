"""The migration-safety rules (SK401-SK416) against a real PostgreSQL: each rule's claim — the
lock, the rewrite, the scan, the failure — happens in the server on the form the rule reports,
and not on the forms it passes. One database per module with a table of rows; every case runs
in a transaction that is rolled back (what a rewrite or a lock does is visible inside it)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sqlkit.engines.base import create_database, drop_database
from sqlkit.model.events import LockRelation, Origin
from sqlkit.model.locks import lock_events
from sqlkit.sql.source import Source
from sqlkit.sql.split import parse_statements
from sqlkit.testing import SqlkitServer
from tests.conftest import lint_files
from tests.integration.conftest import run_cli

# the earlier migration: a live table with rows, an index, a second table for foreign keys
BEFORE = """
create table public.orders (
  id integer primary key, code varchar(20), label character varying(5), note text,
  total numeric(10,2), amount numeric(8,2), placed timestamp(3), addr cidr,
  customer_id integer, number text, status text
);
create index orders_code_idx on public.orders (code);
create table public.remarks (id integer primary key, note text);
create view public.order_notes as select id, note from public.remarks;
create table public.customers (id integer primary key);
create schema extensions;
create extension citext with schema extensions;
alter table public.orders add column handle extensions.citext;
alter table public.orders add column stamped timestamptz(3), add column at_time time(2),
  add column took interval(2), add column flags varbit(4);
"""
ROWS = """
insert into public.customers select g from generate_series(1, 50) g;
insert into public.orders (id, code, label, note, total, amount, placed, addr, customer_id, number)
select g, 'c' || g, 'l', 'n', g, g, now(), '10.0.0.0/8', 1 + g % 50, 'n' || g
from generate_series(1, 200) g;
"""

_MODES = {
    "AccessShareLock": "ACCESS SHARE",
    "RowShareLock": "ROW SHARE",
    "RowExclusiveLock": "ROW EXCLUSIVE",
    "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE",
    "ShareLock": "SHARE",
    "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE",
    "ExclusiveLock": "EXCLUSIVE",
    "AccessExclusiveLock": "ACCESS EXCLUSIVE",
}
_ORDER = list(_MODES.values())


@pytest.fixture(scope="module")
def live(sqlkit_server: SqlkitServer) -> Iterator[psycopg.Connection]:
    """A connection (autocommit) to a database holding BEFORE with rows."""
    name = f"sqlkit_safety_{secrets.token_hex(4)}"
    create_database(sqlkit_server.server, name)
    try:
        with sqlkit_server.connect(name, autocommit=True) as conn:
            conn.execute((BEFORE + ROWS).encode())
            yield conn
    finally:
        drop_database(sqlkit_server.server, name)


def _codes(sql: str) -> set[str]:
    """The SK4xx codes lint reports for `sql` as a migration after BEFORE."""
    result = lint_files({"0001_before.sql": BEFORE, "0002_case.sql": sql})
    return {f.code for f in result.findings if f.path == "0002_case.sql"}


def _one(conn: psycopg.Connection, query: str, *params: Any) -> Any:
    row = conn.execute(query, params or None).fetchone()
    return row[0] if row else None


def _rewrites(conn: psycopg.Connection, sql: str, table: str = "public.orders") -> bool:
    """Does `sql` give the table a new data file (pg_class.relfilenode)? Rolled back."""
    query = "select relfilenode from pg_class where oid = %s::regclass"
    with conn.transaction(force_rollback=True):
        before = _one(conn, query, table)
        conn.execute(sql.encode())
        return bool(_one(conn, query, table) != before)


def _lock(conn: psycopg.Connection, sql: str, relation: str = "public.orders") -> str:
    """The strongest lock `sql` holds on `relation` at the end of its statement. Rolled back."""
    with conn.transaction(force_rollback=True):
        oid = _one(conn, "select %s::regclass::oid", relation)  # before a rename or drop
        conn.execute(sql.encode())
        modes = [
            _MODES[row[0]]
            for row in conn.execute(
                "select mode from pg_locks where pid = pg_backend_pid() and relation = %s",
                (oid,),
            )
        ]
    return max(modes, key=_ORDER.index) if modes else ""


def _sqlstate(conn: psycopg.Connection, sql: str) -> str | None:
    """The SQLSTATE `sql` fails with inside a transaction (None when it succeeds). Rolled back."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql.encode())
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


def _sqlkit_lock(sql: str) -> str:
    """The lock sqlkit's model says the statement takes on its table (model/locks.py)."""
    source = Source(path="case.sql", text=sql)
    (stmt,) = parse_statements(source, kinds=None)
    assert stmt.kind is not None and stmt.node is not None
    events = lock_events(stmt.kind, stmt.node, Origin("case.sql", 0, (1, 1, 1, 1)))
    modes = [e.mode for e in events if isinstance(e, LockRelation)]
    return max(modes, key=_ORDER.index)


# statements and the lock PostgreSQL takes on public.orders: sqlkit's table must agree
LOCKS = [
    "create index orders_status_idx on public.orders (status)",
    "drop index public.orders_code_idx",
    "alter table public.orders add column extra text",
    "alter table public.orders alter column id set not null",
    "alter table public.orders add constraint orders_total_check check (total >= 0) not valid",
    "alter table public.orders add constraint orders_customer_fkey foreign key (customer_id) "
    "references public.customers (id) not valid",
    "alter table public.orders set (fillfactor = 90)",
    "alter table public.orders rename column note to remark",
    "alter table public.orders rename to purchases",
    "create policy p on public.orders for select using (true)",
    "create trigger t after insert on public.orders for each row execute function suppress_redundant_updates_trigger()",
    "truncate public.orders",
    "cluster public.orders using orders_pkey",
    "lock table public.orders in share mode",
    "drop table public.orders",
]


@pytest.mark.parametrize("sql", LOCKS)
def test_the_lock_sqlkit_models_is_the_lock_postgres_takes(
    live: psycopg.Connection, sql: str
) -> None:
    assert _sqlkit_lock(sql) == _lock(live, sql)


def test_sk401_sk402_sk403_index_builds_drops_and_reindex_block(live: psycopg.Connection) -> None:
    build = "create index orders_status_idx on public.orders (status);"
    assert _lock(live, build) == "SHARE"  # conflicts with INSERT/UPDATE/DELETE (ROW EXCLUSIVE)
    assert "SK401" in _codes(build)
    assert "SK401" not in _codes("create table public.n (a int);\ncreate index on public.n (a);")
    drop = "drop index public.orders_code_idx;"
    assert _lock(live, drop) == "ACCESS EXCLUSIVE"
    assert "SK402" in _codes(drop)
    reindex = "reindex table public.orders;"
    assert _lock(live, reindex, "public.orders_code_idx") == "ACCESS EXCLUSIVE"
    assert "SK403" in _codes(reindex)


def test_sk404_what_postgres_refuses_in_a_transaction(live: psycopg.Connection) -> None:
    refused = [
        "create index concurrently orders_status_idx on public.orders (status);",
        "drop index concurrently public.orders_code_idx;",
        "reindex table concurrently public.orders;",
        "vacuum public.orders;",
    ]
    for sql in refused:
        assert _sqlstate(live, sql) == "25001", sql  # active_sql_transaction
        assert "SK404" in _codes(sql), sql
        assert "SK404" not in _codes("-- sqlkit: no-transaction\n" + sql), sql
    assert _sqlstate(live, "analyze public.orders;") is None
    assert "SK404" not in _codes("analyze public.orders;")


# (ALTER ... TYPE, does PostgreSQL 12+ rewrite the table)
TYPE_CHANGES = [
    ("alter column id type bigint", True),
    ("alter column code type varchar(10)", True),
    ("alter column note type varchar(100)", True),
    ("alter column total type numeric(12,4)", True),
    ("alter column placed type timestamptz", False),  # the server's TimeZone is UTC
    ("alter column code type varchar(20) using upper(code)", True),
    ("alter column code type varchar(40)", False),
    ("alter column label type text", False),
    ("alter column note type varchar", False),
    ("alter column total type numeric(14,2)", False),
    ("alter column amount type numeric", False),
    ("alter column placed type timestamp(6)", False),
    ("alter column addr type inet", False),
    ("alter column code type varchar(30) using code", False),
    ("alter column note type text using note::text", False),
    ("alter column label type text using label::text", False),
    ("alter column note type extensions.citext", False),
    ("alter column code type extensions.citext", False),
    ("alter column label type varchar(10) using label::varchar", True),
    ("alter column handle type text", False),
    ("alter column id type int4", False),
    ("alter column stamped type timestamptz(6)", False),
    ("alter column stamped type timestamptz(1)", True),
    ("alter column at_time type time(5)", False),
    ("alter column took type interval(4)", False),
    ("alter column took type interval", False),
    ("alter column flags type varbit(8)", False),
    ("alter column flags type varbit(2)", True),
    ("alter column handle type varchar", False),
]


@pytest.mark.parametrize(("change", "rewrites"), TYPE_CHANGES, ids=[c for c, _ in TYPE_CHANGES])
def test_sk405_reports_exactly_the_type_changes_that_rewrite(
    live: psycopg.Connection, change: str, rewrites: bool
) -> None:
    sql = f"alter table public.orders {change};"
    assert _rewrites(live, sql) is rewrites
    assert ("SK405" in _codes(sql)) is rewrites


def test_sk405_timestamptz_rewrites_only_outside_utc(live: psycopg.Connection) -> None:
    assert _one(live, "show timezone") in ("UTC", "Etc/UTC", "GMT")
    change = "alter table public.orders alter column placed type timestamptz;"
    berlin = "set local timezone = 'Europe/Berlin';\n" + change
    assert _rewrites(live, berlin)
    assert "SK405" in _codes(berlin)
    utc = "set local timezone = 'UTC';\n" + change
    assert not _rewrites(live, utc)
    assert "SK405" not in _codes(utc)


# (ADD COLUMN, does it rewrite the table)
ADDED_COLUMNS = [
    ("add column public_id uuid default gen_random_uuid()", True),
    ("add column seq bigint generated always as identity", True),
    ("add column cents bigint generated always as ((total * 100)::bigint) stored", True),
    ("add column serial_no serial", True),
    ("add column state text not null default 'new'", False),
    ("add column created_at timestamptz default now()", False),
    ("add column extra text", False),
]


@pytest.mark.parametrize(("change", "rewrites"), ADDED_COLUMNS, ids=[c for c, _ in ADDED_COLUMNS])
def test_sk406_reports_exactly_the_added_columns_that_rewrite(
    live: psycopg.Connection, change: str, rewrites: bool
) -> None:
    sql = f"alter table public.orders {change};"
    assert _rewrites(live, sql) is rewrites
    assert ("SK406" in _codes(sql)) is rewrites


def test_sk407_sk408_set_unlogged_and_cluster_rewrite_under_access_exclusive(
    live: psycopg.Connection,
) -> None:
    for sql, code in (
        ("alter table public.orders set unlogged;", "SK407"),
        ("cluster public.orders using orders_pkey;", "SK408"),
    ):
        assert _rewrites(live, sql), sql
        assert _lock(live, sql) == "ACCESS EXCLUSIVE", sql
        assert code in _codes(sql), sql
    # VACUUM FULL runs outside a transaction: compare the file before and after
    live.execute("create table public.scratch as select g from generate_series(1, 10) g")
    try:
        query = "select relfilenode from pg_class where oid = 'public.scratch'::regclass"
        before = _one(live, query)
        live.execute("vacuum full public.scratch")
        assert _one(live, query) != before
    finally:
        live.execute("drop table public.scratch")
    assert "SK408" in _codes("-- sqlkit: no-transaction\nvacuum full public.orders;")


def test_sk409_constraints_read_every_row_unless_not_valid(live: psycopg.Connection) -> None:
    live.execute("update public.orders set total = -1 where id = 1")
    try:
        check = "alter table public.orders add constraint orders_total_check check (total >= 0)"
        assert _sqlstate(live, check + ";") == "23514"  # it read the old rows
        assert _lock(live, check.replace("total >= 0", "total >= -1") + ";") == "ACCESS EXCLUSIVE"
        assert "SK409" in _codes(check + ";")
        assert _sqlstate(live, check + " not valid;") is None  # old rows are not read
        assert "SK409" not in _codes(check + " not valid;")
    finally:
        live.execute("update public.orders set total = 1 where id = 1")
    fk = (
        "alter table public.orders add constraint orders_customer_fkey foreign key "
        "(customer_id) references public.customers (id)"
    )
    assert _lock(live, fk + ";") == "SHARE ROW EXCLUSIVE"
    assert _lock(live, fk + ";", "public.customers") == "SHARE ROW EXCLUSIVE"
    assert "SK409" in _codes(fk + ";") and "SK409" not in _codes(fk + " not valid;")
    # an inline REFERENCES of a new column checks every row too: a default no customer has
    inline = "alter table public.orders add column buyer integer default 999 references public.customers (id);"
    assert _sqlstate(live, inline) == "23503"
    assert "SK409" in _codes(inline)
    # VALIDATE takes SHARE UPDATE EXCLUSIVE: readers and writers go on
    validate = (
        f"{fk} not valid;\nalter table public.orders validate constraint orders_customer_fkey;"
    )
    assert _lock(live, validate) == "SHARE ROW EXCLUSIVE"  # the ADD's lock, held to the end
    assert "SK409" in _codes(validate)


def test_sk410_set_not_null_scans_unless_a_validated_check_proves_it(
    live: psycopg.Connection,
) -> None:
    set_not_null = "alter table public.orders alter column status set not null;"
    assert _sqlstate(live, set_not_null) == "23502"  # it read the rows and found a null
    assert _lock(live, "alter table public.orders alter column id set not null;") == (
        "ACCESS EXCLUSIVE"
    )
    assert "SK410" in _codes(set_not_null)
    # with a validated CHECK (col IS NOT NULL), PostgreSQL says it skips the scan (DEBUG1)
    live.execute("update public.orders set status = 'x'")
    live.execute(
        "alter table public.orders add constraint orders_status_nn check (status is not null)"
    )
    notices: list[str] = []
    live.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    try:
        with live.transaction(force_rollback=True):
            live.execute("set local client_min_messages = debug1")
            live.execute(set_not_null.encode())
        assert any("sufficient to prove" in n for n in notices), notices
    finally:
        live.execute("alter table public.orders drop constraint orders_status_nn")
        live.execute("update public.orders set status = null")
    before = BEFORE + (
        "alter table public.orders add constraint orders_status_nn check (status is not null);\n"
    )
    result = lint_files({"0001_before.sql": before, "0002_case.sql": set_not_null})
    assert "SK410" not in {f.code for f in result.findings}


def test_sk411_add_unique_builds_its_index_under_access_exclusive(
    live: psycopg.Connection,
) -> None:
    unique = "alter table public.orders add constraint orders_number_key unique (number);"
    assert _lock(live, unique) == "ACCESS EXCLUSIVE"
    with live.transaction(force_rollback=True):
        live.execute(unique.encode())
        assert _one(live, "select to_regclass('public.orders_number_key')") is not None
    assert "SK411" in _codes(unique)
    using = "alter table public.orders add constraint orders_number_key unique using index orders_number_key;"
    assert "SK411" not in _codes(using)


def test_sk412_sk413_sk414_break_the_running_application(live: psycopg.Connection) -> None:
    query = "select note from public.orders limit 1"  # what the running application sends
    for sql, code, sqlstate in (
        ("alter table public.orders drop column note;", "SK412", "42703"),
        ("alter table public.orders rename column note to remark;", "SK413", "42703"),
        ("alter table public.orders rename to purchases;", "SK413", "42P01"),
        ("drop table public.orders cascade;", "SK414", "42P01"),
    ):
        assert _sqlstate(live, f"{sql}\n{query};") == sqlstate, sql
        assert _lock(live, sql) == "ACCESS EXCLUSIVE", sql
        assert code in _codes(sql), sql
    view = "alter view public.order_notes rename column note to remark;"
    assert _sqlstate(live, f"{view}\nselect note from public.order_notes;") == "42703"
    assert "SK413" in _codes(view)


def test_sk415_a_required_column_without_default_fails_on_a_table_with_rows(
    live: psycopg.Connection,
) -> None:
    sql = "alter table public.orders add column currency text not null;"
    assert _sqlstate(live, sql) == "23502"
    assert "SK415" in _codes(sql)
    new_table = (
        "create table public.fresh (id int);\nalter table public.fresh add column c text not null;"
    )
    assert _sqlstate(live, new_table) is None
    assert "SK415" not in _codes(new_table)


def test_sk416_lock_timeout_gives_up_behind_a_reader(
    live: psycopg.Connection, sqlkit_server: SqlkitServer
) -> None:
    sql = "alter table public.orders add column extra text;"
    assert _lock(live, sql) == "ACCESS EXCLUSIVE"
    assert "SK416" in _codes(sql)
    assert "SK416" not in _codes("-- sqlkit: lock-timeout=1s\n" + sql)
    # a no-transaction file runs statement by statement: SET LOCAL lasts one statement
    live.execute("set local lock_timeout = '3s'")
    assert _one(live, "show lock_timeout") == "0"
    no_transaction = "-- sqlkit: no-transaction\nset local lock_timeout = '3s';\n" + sql
    assert "SK416" in _codes(no_transaction)
    assert "SK416" not in _codes(no_transaction.replace("set local", "set"))
    dbname = _one(live, "select current_database()")
    with sqlkit_server.connect(dbname) as reader:
        reader.execute("select count(*) from public.orders")  # holds ACCESS SHARE, open
        assert _sqlstate(live, "set local lock_timeout = '50ms';\n" + sql) == "55P03"
        reader.rollback()


def test_a_timeout_directive_apply_would_refuse_is_a_note_and_bounds_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "0001_orders.sql").write_text(BEFORE, encoding="utf-8")
    (tmp_path / "0002_note.sql").write_text(
        "-- sqlkit: lock-timeout=5\nalter table public.orders add column extra text;\n",
        encoding="utf-8",
    )
    result = run_cli(["lint", "--select", "SK416", "0001_orders.sql", "0002_note.sql"], tmp_path)
    assert result.returncode == 1, result.stderr  # SK416: the directive bounds nothing
    assert "0002_note.sql:2:1: SK416" in result.stdout
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: 0002_note.sql:1: `lock-timeout` needs a unit, got '5'"]
    assert "Traceback" not in result.stderr
