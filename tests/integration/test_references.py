"""SK120/SK121 against a real server: PostgreSQL binds names where the rules say it does (views,
policies and BEGIN ATOMIC bodies when created, and following later renames; bodies stored as
text only when they run), and the data the rules resolve with is what the server says."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sqlkit.testing import SqlkitServer
from tests.integration.conftest import run_cli, write

ROOT = Path(__file__).resolve().parent.parent.parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_builtins", ROOT / "scripts/gen_builtins.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_catalog_data_is_what_the_server_says(
    sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    gen = _generator()
    data = ROOT / "src/sqlkit/data"
    with sqlkit_server.connect("postgres") as conn, sqlkit_server.connect(shim_db) as shim:
        assert gen.collect_builtins(conn) == json.loads((data / "builtins.json").read_text())
        catalog = json.loads(gen.dump(gen.collect_catalog(conn, shim), None))
    assert catalog == json.loads((data / "catalog.json").read_text()), (
        "run `python scripts/gen_builtins.py`"
    )
    assert "updated_at" in catalog["supabase"]["tables"]["auth.users"]["columns"]
    assert catalog["supabase"]["tables"]["auth.users"]["complete"] is True


def _fails(conn: psycopg.Connection, sql: str) -> str:
    """The error PostgreSQL raises for `sql` (inside a savepoint, so the test goes on)."""
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        conn.execute(sql.encode())
    return str(caught.value)


def test_postgres_binds_views_policies_and_atomic_bodies_at_creation_and_text_bodies_at_run(
    sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    with sqlkit_server.connect(shim_db) as conn:
        try:
            conn.execute(
                b"create table public.t (id int, name text);"
                b"create view public.v as select id from public.t;"
                b"alter table public.t rename to t2;"  # the view follows the rename
                b"create function public.body() returns bigint language plpgsql as"
                b" $$ begin return (select count(*) from public.t2); end $$;"
                b"create function public.touch() returns trigger language plpgsql as"
                b" $$ begin new.missing := 1; return new; end $$;"
                b"create trigger touch before update on public.t2"
                b" for each row execute function public.touch();"
                b"insert into public.t2 values (1, 'a');"
            )
            assert conn.execute(b"select count(*) from public.v").fetchone() == (1,)
            # SK120: rejected when the statement runs in the migration
            assert "does not exist" in _fails(conn, "create view public.w as select 1 from nope")
            assert "does not exist" in _fails(
                conn,
                "create function public.a() returns bigint language sql"
                " begin atomic select count(*) from public.nope; end",
            )
            # SK121: a policy's column, when CREATE POLICY runs
            assert 'column "owner_id" does not exist' in _fails(
                conn, "create policy p on public.t2 using (owner_id = auth.uid())"
            )
            # a body stored as text: a later drop is accepted, the call fails
            conn.execute(b"alter table public.t2 rename to t3")
            assert 'relation "public.t2" does not exist' in _fails(conn, "select public.body()")
            # NEW.x: the trigger function is created; the UPDATE fails
            assert 'record "new" has no field "missing"' in _fails(
                conn, "update public.t3 set name = 'b'"
            )
        finally:
            conn.rollback()


def test_lint_reports_a_body_broken_by_a_later_migration(tmp_path: Path) -> None:
    write(tmp_path / "sqlkit.toml", 'target = "supabase"\nmigrations = "migrations"\n')
    write(
        tmp_path / "migrations/001_orders.sql",
        "create table public.orders (id bigint primary key, total numeric);\n"
        "create function public.order_total(p_id bigint) returns numeric\n"
        "language plpgsql stable set search_path = '' as $$\n"
        "begin\n"
        "  return (select o.total from public.orders o where o.id = p_id);\n"
        "end $$;\n",
    )
    write(
        tmp_path / "migrations/002_rename.sql",
        "alter table public.orders rename column total to amount;\n",
    )
    result = run_cli(["lint", "--format", "json", "--select", "SK120,SK121", "."], tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "SK121"
    assert finding["path"].endswith("001_orders.sql") and finding["line"] == 5
    assert finding["object"] == "public.order_total(int8)"
    assert "column total of public.orders" in finding["message"]


def test_postgres_binds_calls_by_name_and_argument_count(
    sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    """SK122: a view's call is bound when CREATE VIEW runs; a PL/pgSQL body's only when it
    runs, so a later DROP FUNCTION is accepted and the call fails there. Defaults, VARIADIC,
    named arguments, aggregates and `domain(x)` casts are calls that resolve."""
    with sqlkit_server.connect(shim_db) as conn:
        try:
            conn.execute(
                b"create function public.fee(p numeric, rate numeric default 0.1) returns numeric"
                b" language sql as $$ select p * rate $$;"
                b"create function public.total_of(variadic parts numeric[]) returns numeric"
                b" language sql as $$ select sum(x) from unnest(parts) x $$;"
                b"create aggregate public.product(numeric) (sfunc = numeric_mul, stype = numeric);"
                b"create domain public.amount as numeric;"
                b"create view public.ok as select public.fee(1) a, public.fee(rate => 2, p => 1) b,"
                b" public.total_of(1, 2, 3) c, public.product(x) d, public.amount(x) e"
                b" from (values (2.0)) v(x) group by x;"
                b"create function public.audit(msg text) returns void language sql as $$ select $$;"
                b"create function public.touch() returns void language plpgsql as"
                b" $$ begin perform public.audit('touched'); end $$;"
            )
            assert "does not exist" in _fails(conn, "create view public.w as select public.nope()")
            assert "function public.fee(integer, integer, integer) does not exist" in _fails(
                conn, "create view public.w as select public.fee(1, 2, 3)"
            )
            conn.execute(b"select public.touch()")
            conn.execute(b"drop function public.audit(text)")  # accepted: no dependency
            assert "function public.audit(unknown) does not exist" in _fails(
                conn, "select public.touch()"
            )
        finally:
            conn.rollback()
