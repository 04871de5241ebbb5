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
    from sqlkit.model.replay import REPLAY

    assert set(REPLAY) == set(get_args(Event))
    assert set(HANDLERS) == KINDS
