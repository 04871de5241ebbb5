"""Replay into the project model: privileges, defaults, ALTER/DROP, overloads."""

from __future__ import annotations

from sqlkit.model import extract_events, replay
from sqlkit.model.extract import KINDS
from sqlkit.model.state import RoutineKey
from sqlkit.sql import parse_statements, source_from_text


def _model(sql: str, target: str = "supabase"):
    source = source_from_text("m.sql", sql)
    return replay(extract_events(source, parse_statements(source, kinds=KINDS)), target)


def test_supabase_defaults_grant_api_roles() -> None:
    model = _model("create function public.f() returns int language sql as $$ select 1 $$;")
    fn = model.functions[RoutineKey("public", "f", ())]
    assert fn.execute == {"public", "anon", "authenticated", "service_role"}
    other = _model("create function private.f() returns int language sql as $$ select 1 $$;")
    assert other.functions[RoutineKey("private", "f", ())].execute == {"public"}


def test_global_default_revoke_applies_to_later_functions_only() -> None:
    model = _model(
        "create function public.a() returns int language sql as $$ select 1 $$;\n"
        "alter default privileges revoke execute on functions from public;\n"
        "create function public.b() returns int language sql as $$ select 1 $$;\n",
        target="postgres",
    )
    assert model.functions[RoutineKey("public", "a", ())].execute == {"public"}
    assert model.functions[RoutineKey("public", "b", ())].execute == set()


def test_alter_rename_set_schema_and_drop() -> None:
    model = _model(
        "create function public.f(a integer) returns int language sql as $$ select a $$;\n"
        "create function public.f(a text) returns text language sql as $$ select a $$;\n"
        "alter function public.f(int4) set search_path = '' ;\n"
        "alter function public.f(text) rename to g;\n"
        "alter function public.g(text) set schema private;\n"
        "drop function if exists public.missing(int);\n"
    )
    keys = set(model.functions)
    assert keys == {RoutineKey("public", "f", ("int4",)), RoutineKey("private", "g", ("text",))}
    assert model.functions[RoutineKey("public", "f", ("int4",))].config == {"search_path": ""}


def test_create_or_replace_keeps_privileges() -> None:
    model = _model(
        "create function public.f() returns int language sql as $$ select 1 $$;\n"
        "revoke all on function public.f() from public, anon;\n"
        "create or replace function public.f() returns int language sql security definer as $$ select 2 $$;\n"
    )
    fn = model.functions[RoutineKey("public", "f", ())]
    assert fn.execute == {"authenticated", "service_role"} and fn.security_definer


def test_tables_rls_policies_and_views() -> None:
    model = _model(
        "create table public.t (id int);\n"
        "alter table public.t enable row level security;\n"
        "create policy p on public.t for select to authenticated using (true);\n"
        "create view public.v with (security_invoker = true) as select id from public.t;\n"
        "drop policy p on public.t;\n"
    )
    table = model.tables[("public", "t")]
    assert table.rls_enabled and table.privileges["anon"] >= {"select", "insert"}
    assert model.policies == {}
    assert model.views[("public", "v")].options == {"security_invoker": "true"}


def test_session_search_path_sets_the_creation_schema_per_file() -> None:
    model = _model(
        "create schema app;\nset search_path = app, public;\n"
        "create function f() returns int language sql as $$ select 1 $$;"
    )
    assert RoutineKey("app", "f", ()) in model.functions


def test_a_missing_first_schema_is_skipped_for_creation() -> None:
    model = _model(
        "set search_path = missing, public;\n"
        "create function f() returns int language sql as $$ select 1 $$;"
    )
    assert RoutineKey("public", "f", ()) in model.functions


def test_every_event_type_has_a_replay_handler_and_a_parsed_kind() -> None:
    from typing import get_args

    from sqlkit.model.events import Event
    from sqlkit.model.extract import HANDLERS, KINDS
    from sqlkit.model.locks import KINDS as LOCK_KINDS
    from sqlkit.model.replay import REPLAY

    assert set(REPLAY) == set(get_args(Event))
    assert set(HANDLERS) | LOCK_KINDS == KINDS  # lock events are read before the handler


def test_postgres_names_for_unnamed_constraints_and_indexes() -> None:
    from sqlkit.model.names import choose_name, column_part, make_object_name

    assert make_object_name("posts", "author_id", "fkey") == "posts_author_id_fkey"
    long = make_object_name("t" * 40, "c" * 40, "fkey")  # the longer part gives way first
    assert len(long) == 63 and long == "t" * 29 + "_" + "c" * 28 + "_fkey"
    taken = {"t_a_idx", "t_a_idx1"}
    assert choose_name("t", column_part(["a"]), "idx", taken.__contains__) == "t_a_idx2"
    assert column_part(["a", None, None]) == "a_expr_expr1"


def test_column_types_as_written_and_normalised() -> None:
    model = _model(
        "create table public.t (a character varying(20) not null, b timestamp with time zone"
        ' default now(), c numeric(10, 2)[] collate "C", d bigserial, e uuid default'
        " extensions.uuid_generate_v4());"
    )
    columns = model.tables[("public", "t")].columns
    assert [(c.type, c.type_name) for c in columns.values()] == [
        ("character varying(20)", "varchar"),
        ("timestamp with time zone", "timestamptz"),
        ("numeric(10, 2)[]", "numeric[]"),
        ("bigserial", "int8"),
        ("uuid", "uuid"),
    ]
    assert [c.default_volatile for c in columns.values()] == [False, False, False, True, True]
    assert columns["a"].not_null and columns["d"].not_null and not columns["b"].not_null
    assert columns["b"].default_text == "now()"


def test_dropping_a_table_drops_its_partitions_and_with_cascade_its_dependents() -> None:
    model = _model(
        "create table public.p (id int, at date) partition by range (at);\n"
        "create table public.p1 partition of public.p for values from ('2026-01-01') to ('2027-01-01');\n"
        "create table public.base (id int);\n"
        "create table public.kid (x int) inherits (public.base);\n"
        "create view public.v as select id from base;\n"
        "create table public.other (id int);\n"
        "create view public.w as select id from public.other;\n"
        "drop table public.p;\n"
        "drop table public.base cascade;\n"
    )
    assert set(model.tables) == {("public", "other")}
    assert set(model.views) == {("public", "w")}
