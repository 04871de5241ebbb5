"""The lint model does what PostgreSQL does: each behaviour the model (or a rule) claims is
run in a real server (the session's embedded Postgres, Supabase shim installed), and the
same SQL linted statically must agree with it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from sqlkit.model import extract_events, replay
from sqlkit.model.extract import KINDS
from sqlkit.model.state import Model, RoutineKey
from sqlkit.sql import parse_statements, source_from_text
from sqlkit.sql.values import parse_bool, quote_ident, search_path_schemas
from sqlkit.testing import authenticate_as
from tests.conftest import lint_text


def _model(sql: str, target: str = "supabase") -> Model:
    source = source_from_text("m.sql", sql)
    return replay(extract_events(source, parse_statements(source, kinds=KINDS)), target)


def _one(conn: psycopg.Connection, query: str, *params: Any) -> Any:
    row = conn.execute(query, params or None).fetchone()
    return row[0] if row else None


def _codes(sql: str, code: str) -> list[str]:
    return [f.message for f in lint_text(sql).findings if f.code == code]


def _fails(conn: psycopg.Connection, sql: str) -> str:
    """The SQLSTATE PostgreSQL raises for `sql` (in a savepoint, so the test goes on)."""
    try:
        with conn.transaction():
            conn.execute(sql)
    except psycopg.Error as exc:
        return exc.sqlstate or "?"
    return ""


def test_tables_are_created_moved_and_renamed_as_the_model_says(
    sqlkit_db: psycopg.Connection,
) -> None:
    sql = """
create schema mt_app;
create table public.mt_src (id int, email text);
alter table public.mt_src enable row level security;
create policy mt_src_read on public.mt_src for select to authenticated using (true);
create table public.mt_ctas as select * from public.mt_src;
select * into public.mt_into from public.mt_src;
select pg_catalog.set_config('search_path', 'mt_missing, mt_app', false);
create table mt_pathed (id int);
select pg_catalog.set_config('search_path', 'public', false);
alter table public.mt_src rename to mt_renamed;
create table public.mt_moved (id int);
alter table public.mt_moved set schema mt_app;
create view public.mt_view with (security_invoker = true) as select 1 as x;
alter view public.mt_view set schema mt_app;
"""
    sqlkit_db.execute(sql.encode())
    # CTAS and SELECT INTO made tables without RLS, reachable by anon (default privileges)
    for name in ("mt_ctas", "mt_into"):
        assert (
            _one(
                sqlkit_db,
                "select relrowsecurity from pg_class where oid = %s::regclass",
                f"public.{name}",
            )
            is False
        )
        assert _one(sqlkit_db, "select has_table_privilege('anon', %s, 'select')", f"public.{name}")
    # the missing first schema was skipped: mt_pathed is in mt_app
    assert _one(sqlkit_db, "select to_regclass('mt_app.mt_pathed') is not null")
    # a rename keeps RLS and the policy; SET SCHEMA moves tables and views
    assert _one(
        sqlkit_db, "select relrowsecurity from pg_class where oid = 'public.mt_renamed'::regclass"
    )
    assert _one(sqlkit_db, "select count(*) from pg_policies where tablename = 'mt_renamed'") == 1
    assert _one(sqlkit_db, "select to_regclass('mt_app.mt_moved') is not null")
    assert _one(sqlkit_db, "select to_regclass('mt_app.mt_view') is not null")

    model = _model(sql)
    assert ("public", "mt_ctas") in model.tables and ("public", "mt_into") in model.tables
    assert ("mt_app", "mt_pathed") in model.tables
    renamed = model.tables[("public", "mt_renamed")]
    assert renamed.rls_enabled and ("public", "mt_src") not in model.tables
    assert [p.name for p in model.policies_on("public", "mt_renamed")] == ["mt_src_read"]
    assert ("mt_app", "mt_moved") in model.tables and ("mt_app", "mt_view") in model.views
    found = " ".join(_codes(sql, "SK201"))
    assert "public.mt_ctas" in found and "public.mt_into" in found and "mt_renamed" not in found


def test_search_path_values_read_as_the_server_reads_them(sqlkit_db: psycopg.Connection) -> None:
    # one quoted string is ONE schema
    sqlkit_db.execute("set search_path = 'pg_catalog, pg_temp'")
    assert _one(sqlkit_db, "show search_path") == '"pg_catalog, pg_temp"'
    assert _one(sqlkit_db, "select current_schemas(false)") == []
    sqlkit_db.execute("reset search_path")
    model = _model(
        "create function public.f() returns int language sql "
        "set search_path = 'pg_catalog, pg_temp' as $$ select 1 $$;"
    )
    value = model.functions[RoutineKey("public", "f", ())].config["search_path"]
    assert search_path_schemas(value) == ["pg_catalog, pg_temp"]

    # without pg_temp last, a definer function finds the caller's temporary table first
    definer = """
create table public.mt_secrets (n int);
insert into public.mt_secrets values (1), (2), (3);
-- definer: counts rows the caller cannot read
create function public.mt_count() returns bigint language sql security definer
set search_path = {path} as $$ select count(*) from mt_secrets $$;
grant execute on function public.mt_count() to authenticated;
"""
    sqlkit_db.execute(definer.format(path="public").encode())
    sqlkit_db.execute("create temp table mt_secrets (n int)")  # pg_temp: searched first
    assert _one(sqlkit_db, "select public.mt_count()") == 0
    sqlkit_db.execute("alter function public.mt_count() set search_path = public, pg_temp")
    assert _one(sqlkit_db, "select public.mt_count()") == 3
    shadowed = definer.format(path="pg_catalog").replace("from mt_secrets", "from pg_class")
    assert any("temporary table named pg_class" in m for m in _codes(shadowed, "SK102"))
    fixed = definer.format(path="pg_catalog, pg_temp").replace("from mt_secrets", "from pg_class")
    assert _codes(fixed, "SK102") == []


def test_identifiers_are_quoted_as_the_server_quotes_them(sqlkit_db: psycopg.Connection) -> None:
    words = [row[0] for row in sqlkit_db.execute("select word from pg_get_keywords()")]
    names = [*words, "public", "pg_temp", "Mixed", "a$b", "_x1", "1a", "a b", 'q"uote', ""]
    server = [
        row[0]
        for row in sqlkit_db.execute("select quote_ident(n) from unnest(%s::text[]) n", [names])
    ]
    assert [quote_ident(name) for name in names] == server


def test_privileges_as_the_model_tracks_them(sqlkit_db: psycopg.Connection) -> None:
    sql = """
create role mt_members nologin;
create function public.mt_member_only() returns int language sql as $$ select 1 $$;
revoke execute on function public.mt_member_only() from public, anon, authenticated, service_role;
grant execute on function public.mt_member_only() to mt_members;
grant mt_members to anon;
alter default privileges for role supabase_admin revoke execute on functions from public;
create function public.mt_after() returns int language sql as $$ select 1 $$;
create schema mt_private;
create function mt_private.mt_helper() returns int language sql as $$ select 1 $$;
create table public.mt_locked (id int);
revoke all on table public.mt_locked from anon, authenticated, public;
create function public.mt_trigger() returns trigger language plpgsql as $$ begin return new; end $$;
"""
    sqlkit_db.execute(sql.encode())
    q = "select has_function_privilege(%s, %s, 'execute')"
    # anon is NOINHERIT (as on Supabase): membership of mt_members gives it nothing
    assert _one(sqlkit_db, q, "anon", "public.mt_member_only()") is False
    # ADP FOR ROLE supabase_admin does not change what postgres creates
    assert _one(sqlkit_db, q, "public", "public.mt_after()") is True
    # no USAGE on mt_private: anon cannot reach its function, though it holds EXECUTE
    assert _one(sqlkit_db, q, "anon", "mt_private.mt_helper()") is True
    assert _one(sqlkit_db, "select has_schema_privilege('anon', 'mt_private', 'usage')") is False
    # a table revoked from the API roles is out of their reach
    assert (
        _one(sqlkit_db, "select has_table_privilege('anon', 'public.mt_locked', 'select')") is False
    )
    # a trigger function cannot be called, whatever EXECUTE says
    assert _one(sqlkit_db, q, "anon", "public.mt_trigger()") is True
    assert _fails(sqlkit_db, "select public.mt_trigger()") == "0A000"

    model = _model(sql)
    member_only = model.functions[RoutineKey("public", "mt_member_only", ())]
    assert not model.can_execute(member_only, "anon")
    assert model.can_execute(model.functions[RoutineKey("public", "mt_after", ())], "public")
    helper = model.functions[RoutineKey("mt_private", "mt_helper", ())]
    assert model.can_execute(helper, "anon") and not model.can_call(helper, "anon")
    assert not model.table_reachable(
        model.tables[("public", "mt_locked")], ("anon", "authenticated")
    )
    trigger = model.functions[RoutineKey("public", "mt_trigger", ())]
    assert model.can_execute(trigger, "anon") and not model.can_call(trigger, "anon")
    postgres_target = _model(sql, target="postgres")
    assert postgres_target.can_execute(
        postgres_target.functions[RoutineKey("public", "mt_member_only", ())], "anon"
    )


def test_do_blocks_and_duplicate_policies(sqlkit_db: psycopg.Connection) -> None:
    sql = """
do $$
begin
  if not exists (select 1 from pg_proc where proname = 'mt_in_do') then
    -- definer: reads a table the callers cannot
    create function public.mt_in_do() returns int language sql security definer
    set search_path = '' as $f$ select 1 $f$;
  end if;
  revoke execute on function public.mt_in_do() from public, anon;
  execute 'grant execute on function public.mt_in_do() to anon';
end $$;
create table public.mt_pol (id int);
alter table public.mt_pol enable row level security;
create policy mt_same on public.mt_pol for insert to authenticated with check (true);
"""
    sqlkit_db.execute(sql.encode())
    assert (
        _one(sqlkit_db, "select has_function_privilege('public', 'public.mt_in_do()', 'execute')")
        is False
    )
    # the dynamic EXECUTE ran in the server; the model leaves dynamic SQL out
    assert _one(sqlkit_db, "select has_function_privilege('anon', 'public.mt_in_do()', 'execute')")
    duplicate = (
        "create policy mt_same on public.mt_pol for insert to authenticated with check (id > 0)"
    )
    assert _fails(sqlkit_db, duplicate) == "42710"  # duplicate_object: the migration stops

    model = _model(sql + duplicate + ";")
    function = model.functions[RoutineKey("public", "mt_in_do", ())]
    assert not model.can_execute(function, "public") and not model.can_execute(function, "anon")
    assert model.policies[("public", "mt_pol", "mt_same")].with_check is not None
    assert model.rejected and "already exists" in model.rejected[0][1]


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("yes", True), ("'on'", True), ("1", True), ("TRUE", True), ("'of'", False), ("no", False)],
)
def test_reloption_booleans_parse_like_postgres(
    sqlkit_db: psycopg.Connection, spelling: str, expected: bool
) -> None:
    sqlkit_db.execute(
        f"create view public.mt_v with (security_invoker = {spelling}) as select 1 as x"
    )
    options = _one(sqlkit_db, "select reloptions from pg_class where oid = 'public.mt_v'::regclass")
    stored = options[0].split("=", 1)[1]
    assert parse_bool(stored) is expected and parse_bool(spelling.strip("'")) is expected
    linted = _codes(
        f"create view public.mt_v with (security_invoker = {spelling}) as select 1 as x;", "SK209"
    )
    assert bool(linted) is not expected
    assert (
        _fails(sqlkit_db, "create view public.mt_w with (security_invoker = 'o') as select 1")
        == "22023"
    )
    assert parse_bool("o") is None


def test_what_the_rules_rely_on(sqlkit_db: psycopg.Connection) -> None:
    """format()'s positional %s is raw text; object_identity comes quoted; transition tables
    resolve without a path; RETURNS SETOF t survives a new column; an uncorrelated IN
    sub-select runs once."""
    assert _one(sqlkit_db, "select format('%1$s', 'x'' or true --')") == "x' or true --"
    assert _one(sqlkit_db, "select format('%-6s|', 'ab')") == "ab    |"
    sqlkit_db.execute(
        b"""
create table public.mt_log (identity text);
create function public.mt_capture() returns event_trigger language plpgsql as $$
declare cmd record;
begin
  for cmd in select object_identity from pg_event_trigger_ddl_commands() loop
    insert into public.mt_log values (cmd.object_identity);
  end loop;
end $$;
create event trigger mt_capture on ddl_command_end when tag in ('CREATE TABLE')
  execute function public.mt_capture();
create table public."x; drop table public.mt_log; --" (id int);
drop event trigger mt_capture;
create table public.mt_rows (id int);
create function public.mt_count_inserted() returns trigger language plpgsql set search_path = '' as $$
begin
  insert into public.mt_log select 'inserted ' || count(*) from inserted;
  return null;
end $$;
create trigger mt_count after insert on public.mt_rows referencing new table as inserted
  for each statement execute function public.mt_count_inserted();
insert into public.mt_rows values (1), (2);
create function public.mt_all() returns setof public.mt_rows language sql stable
as $$ select * from public.mt_rows $$;
alter table public.mt_rows add column extra int;
"""
    )
    assert _one(sqlkit_db, "select identity from public.mt_log where identity like 'public.%'") == (
        'public."x; drop table public.mt_log; --"'
    )
    assert _one(sqlkit_db, "select count(*) from public.mt_log where identity = 'inserted 2'") == 1
    assert _one(sqlkit_db, "select count(*) from public.mt_all() where extra is null") == 2
    plan = "\n".join(
        r[0]
        for r in sqlkit_db.execute(
            "explain (costs off) select * from public.mt_rows where id::text in "
            "(select jsonb_array_elements_text(auth.jwt() -> 'teams'))"
        )
    )
    assert "SubPlan" in plan or "InitPlan" in plan or "Hash" in plan
    authenticate_as(sqlkit_db, {"role": "anon"})
    assert _one(sqlkit_db, "select auth.uid()") is None


def test_a_temporary_tables_lock_blocks_no_other_session(sqlkit_db: psycopg.Connection) -> None:
    """An unqualified name finds the session's temporary table first, and its ACCESS
    EXCLUSIVE lock keeps no other session waiting: SK401-SK416 do not judge it."""
    sql = (
        "create temp table mt_orders (id int);\n"
        "create index mt_orders_id on mt_orders (id);\n"
        "drop table mt_orders;\n"
    )
    sqlkit_db.execute("create table public.mt_orders (id int)")
    sqlkit_db.commit()
    with psycopg.connect(sqlkit_db.info.dsn, autocommit=True) as other:
        other.execute("set lock_timeout = '2s'")
        with sqlkit_db.transaction():
            sqlkit_db.execute(sql.encode())
            sqlkit_db.execute("create temp table mt_orders (id int)")
            sqlkit_db.execute("lock table mt_orders in access exclusive mode")
            assert _one(sqlkit_db, "select 'mt_orders'::regclass::text") == "mt_orders"
            assert _one(other, "select count(*) from mt_orders") == 0  # public's: not blocked
    before = "create table public.mt_orders (id int);\n"
    assert not [f.code for f in lint_text(before + sql).findings if f.code.startswith("SK4")]


def test_a_sql_standard_body_is_bound_when_created(sqlkit_db: psycopg.Connection) -> None:
    """A BEGIN ATOMIC body keeps the objects it named at creation whatever the caller's path;
    a string body looks its names up in the caller's path: SK101 judges only the latter."""
    sqlkit_db.execute(
        b"""
create schema mt_app;
create table mt_app.items (id int);
insert into mt_app.items values (1), (2);
set search_path = mt_app;
create function public.mt_atomic() returns bigint language sql stable
begin atomic
  select count(*) from items;
end;
create function public.mt_string() returns bigint language sql stable
as $$ select count(*) from items $$;
set search_path = public;
"""
    )
    assert _one(sqlkit_db, "select public.mt_atomic()") == 2
    assert _fails(sqlkit_db, "select public.mt_string()") == "42P01"  # undefined_table
    sql = (
        "create function public.a() returns bigint language sql stable\n"
        "begin atomic select 1; end;\n"
        "create function public.b() returns bigint language sql stable as $$ select 1 $$;\n"
    )
    assert [f.object for f in lint_text(sql, select=["SK101"]).findings] == ["public.b()"]


def test_a_variable_named_like_a_column_fails_when_the_statement_runs(
    sqlkit_db: psycopg.Connection,
) -> None:
    """PL/pgSQL refuses `column reference "id" is ambiguous` (42702) when the statement
    runs, not when the function is created; a qualified name, `#variable_conflict` and an
    SQL function are fine. SK124 reports exactly the functions that fail."""
    sql = """
create table public.mt_people (id int primary key, full_name text);
insert into public.mt_people values (1, 'Ada');
create function public.mt_table() returns table (id int, full_name text)
language plpgsql stable as $$
begin
  return query select id, full_name from public.mt_people;
end $$;
create function public.mt_param(id int) returns text language plpgsql stable as $$
declare result text;
begin
  select full_name into result from public.mt_people where mt_people.id = id;
  return result;
end $$;
create function public.mt_qualified() returns table (id int, full_name text)
language plpgsql stable as $$
begin
  return query select p.id, p.full_name from public.mt_people p;
end $$;
create function public.mt_directive() returns table (id int, full_name text)
language plpgsql stable as $$
#variable_conflict use_column
begin
  return query select id, full_name from public.mt_people;
end $$;
create function public.mt_sql(id int) returns text language sql stable
as $$ select full_name from public.mt_people where id = mt_sql.id $$;
create function public.mt_values(p int) returns int language plpgsql as $$
declare full_name text := 'Bo';
begin
  insert into public.mt_people (id, full_name) values (p, full_name);
  return p;
end $$;
"""
    sqlkit_db.execute(sql.encode())
    assert _fails(sqlkit_db, "select * from public.mt_table()") == "42702"
    assert _fails(sqlkit_db, "select public.mt_param(1)") == "42702"
    assert _one(sqlkit_db, "select full_name from public.mt_qualified()") == "Ada"
    assert _one(sqlkit_db, "select full_name from public.mt_directive()") == "Ada"
    assert _one(sqlkit_db, "select public.mt_sql(1)") == "Ada"
    assert _one(sqlkit_db, "select public.mt_values(2)") == 2  # a VALUES row: the variable
    reported = {f.object for f in lint_text(sql, select=["SK124"]).findings}
    assert reported == {"public.mt_table()", "public.mt_param(int4)"}
