"""Every built-in template, with generated valid parameters, lints clean and applies to Postgres.

Hostile values (quotes, $$, semicolons, comments, newlines) are refused with an
error naming the parameter; unusual but legal identifiers (capitals, spaces,
unicode, reserved words) are quoted and work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlkit.config import Settings
from sqlkit.engines.base import create_database
from sqlkit.engines.shim import install_shim
from sqlkit.errors import TemplateError
from sqlkit.render.render import Renderer
from sqlkit.testing import SqlkitServer
from tests.conftest import lint_text

PRELUDE = """
create table public.students (
  id uuid primary key references auth.users (id),
  client_id uuid not null,
  full_name text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
create index students_client_id_idx on public.students (client_id);
alter table public.students enable row level security;
create table public.profiles (
  id uuid primary key references auth.users (id),
  role text not null,
  client_id uuid,
  is_active boolean not null default true
);
alter table public.profiles enable row level security;
create policy profiles_self on public.profiles for select to authenticated using (id = (select auth.uid()));
{students_self}
create or replace function public.student_total() returns jsonb language sql stable set search_path = ''
as $$ select jsonb_build_object('n', count(*)) from public.students s $$;
revoke execute on function public.student_total() from public, anon;
"""

STUDENTS_SELF = "create policy students_self on public.students for select to authenticated using (id = (select auth.uid()));"
PRELUDE = PRELUDE.replace("{students_self}", STUDENTS_SELF)

SIMPLE = st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True)
ODD = st.sampled_from(
    ["Mixed Case", "élève", "select", "user", "a-b", "x y z", "Ünïcödé_name", "order"]
)
IDENT = st.one_of(SIMPLE, ODD)
SCHEMA = st.sampled_from(["public", "private", "app", "Reports"])
TTL = st.builds(
    lambda n, u: f"{n} {u}",
    st.integers(1, 90),
    st.sampled_from(["seconds", "minutes", "hours", "days"]),
)
ROLES = st.lists(
    st.sampled_from(["admin", "staff", "viewer", "client_staff"]),
    min_size=1,
    max_size=3,
    unique=True,
)


def _params(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "rpc-table":
        return st.fixed_dictionaries(
            {
                "name": IDENT,
                "schema": SCHEMA,
                "args": st.just(["p_client_id uuid", "p_limit integer default 50"]),
                "returns": st.just(["id uuid", "full_name text"]),
                "query": st.just(
                    "select s.id, s.full_name from public.students s where s.client_id = p_client_id "
                    "order by s.created_at, s.id limit p_limit"
                ),
                "security": st.sampled_from(["invoker", "definer"]),
                "definer_reason": st.just(
                    "reads every student of the client for the staff dashboard"
                ),
                "authorize": st.just("(select auth.jwt() ->> 'user_role') in ('admin', 'staff')"),
                "comment": st.text(st.characters(blacklist_characters="\x00"), max_size=30),
            }
        )
    if kind == "rpc-json":
        return st.fixed_dictionaries(
            {
                "name": IDENT,
                "schema": SCHEMA,
                "query": st.just(
                    "select jsonb_build_object('total', count(*)) from public.students s"
                ),
                "security": st.sampled_from(["invoker", "definer"]),
                "definer_reason": st.just("counts students across clients for the staff dashboard"),
                "authorize": st.just("(select auth.jwt() ->> 'user_role') = 'admin'"),
            }
        )
    if kind == "cache-framework":
        return st.fixed_dictionaries(
            {
                "schema": st.sampled_from(["private", "cache", "Internal"]),
                "table": IDENT,
                "unlogged": st.booleans(),
            }
        )
    if kind == "cached-rpc":
        return st.fixed_dictionaries(
            {
                "name": IDENT,
                "ttl": TTL,
                "scope": st.sampled_from(["global", "tenant", "user"]),
                "compute": st.just("public.student_total()"),
                "tags": st.lists(
                    st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True), min_size=1, max_size=3
                ),
                "allowed_roles": ROLES,
            }
        )
    if kind == "invalidation-trigger":
        return st.fixed_dictionaries(
            {
                "name": IDENT,
                "table": st.just("public.students"),
                "tags": st.lists(
                    st.sampled_from(["students", "student:id", "client:client_id", "all"]),
                    min_size=1,
                    max_size=4,
                    unique=True,
                ),
            }
        )
    if kind == "auth-hook":
        return st.fixed_dictionaries(
            {
                "name": st.sampled_from(["custom_access_token_hook", "my_access_token_hook"]),
                "default_role": st.sampled_from(["student", "guest"]),
            }
        )
    if kind == "rls-policies":
        return st.fixed_dictionaries(
            {
                "table": st.just("public.students"),
                "student_column": st.just("id"),
                "client_column": st.sampled_from(["client_id", ""]),
                "read_all_roles": ROLES,
                "write_roles": st.sampled_from([[], ["admin"], ["admin", "staff"]]),
            }
        )
    if kind == "job-queue":
        return st.fixed_dictionaries(
            {
                "schema": st.sampled_from(["public", "jobs"]),
                "table": IDENT,
                "channel": st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
            }
        )
    if kind == "export-batch":
        return st.fixed_dictionaries(
            {
                "name": IDENT,
                "returns": st.just(["id uuid", "full_name text", "created_at timestamptz"]),
                "select_list": st.just("s.id, s.full_name, s.created_at"),
                "from": st.just("public.students s"),
                "args": st.just(["p_client_id uuid"]),
                "where": st.just("s.client_id = p_client_id"),
                "sort_column": st.just("s.created_at"),
                "id_column": st.just("s.id"),
                "max_limit": st.integers(10, 10000),
            }
        )
    raise AssertionError(kind)


KINDS = [
    "rpc-table",
    "rpc-json",
    "cache-framework",
    "cached-rpc",
    "invalidation-trigger",
    "auth-hook",
    "rls-policies",
    "job-queue",
    "export-batch",
]
NEEDS_CACHE = {"cached-rpc", "invalidation-trigger"}


def test_every_builtin_template_is_covered() -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    assert {k for k, s in renderer.templates.items() if s.builtin} == set(KINDS)


def _schemas(sql_params: dict[str, Any]) -> str:
    schema = sql_params.get("schema")
    out = ""
    if schema and schema not in ("public", "private"):
        out += f'create schema if not exists "{schema}";\n'
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_template_renders_lints_clean_and_applies(kind: str, sqlkit_server: SqlkitServer) -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    cache = renderer.render_template("cache-framework", {}) if kind in NEEDS_CACHE else ""
    # a bare database with only the Supabase shim (the session template holds the catalog)
    db = f"sqlkit_tpl_{kind.replace('-', '_')}"
    create_database(sqlkit_server.server, db)
    with sqlkit_server.server.connect(db) as setup:
        install_shim(setup, "supabase")
    try:
        with sqlkit_server.connect(db) as conn:

            @settings(
                max_examples=6,
                deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            )
            @given(_params(kind))
            def check(params: dict[str, Any]) -> None:
                sql = renderer.render_template(kind, params)
                # the rls-policies template writes the students policies itself
                prelude = PRELUDE.replace(STUDENTS_SELF, "") if kind == "rls-policies" else PRELUDE
                script = (
                    "create schema if not exists private;\n"
                    + _schemas(params)
                    + prelude
                    + cache
                    + sql
                )
                result = lint_text(script, path="rendered.sql")
                shown = "\n".join(f"{f.line} {f.code} {f.message}" for f in result.findings)
                assert not result.findings, f"{kind} {params}:\n{shown}\n{sql}"
                try:
                    conn.execute(script.encode())
                except psycopg.Error as exc:
                    raise AssertionError(f"{kind} {params} did not apply: {exc}\n{sql}") from None
                finally:
                    conn.rollback()

            check()
    finally:
        sqlkit_server.drop(db)


HOSTILE = [
    'x"; drop table t; --',
    "a$$b",
    "semi;colon",
    "new\nline",
    "c--omment",
    "",
    "q'uote\"",
    "x/*y",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_identifiers_are_refused_naming_the_parameter(value: str) -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    with pytest.raises(TemplateError) as info:
        renderer.render_template("rpc-json", {"name": value, "query": "select '{}'::jsonb"})
    assert "`name`" in str(info.value)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("query", "select 1; drop table public.students"),
        ("query", "select 1 -- and the rest"),
        ("query", "select $$x$$"),
        ("query", "select (1"),
        ("args", ["p_id uuid); drop table x; --"]),
        ("definer_reason", "reads everything\ndrop table x"),
    ],
)
def test_hostile_sql_fragments_are_refused(param: str, value: Any) -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    params = {"name": "f", "query": "select '{}'::jsonb", "comment": "ok"}
    params[param] = value
    with pytest.raises(TemplateError) as info:
        renderer.render_template("rpc-json", params)
    assert f"`{param}`" in str(info.value)


def test_literal_control_characters_survive_rendering() -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    sql = renderer.render_template(
        "rpc-json", {"name": "f", "query": "select '{}'::jsonb", "comment": "line\r\nnext\ttab  "}
    )
    assert "is E'line\\r\\nnext\\ttab  ';" in sql


def test_literal_values_are_escaped_not_refused() -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    sql = renderer.render_template(
        "rpc-json", {"name": "f", "query": "select '{}'::jsonb", "comment": "it's a \\ test"}
    )
    assert "comment on function public.f() is E'it''s a \\\\ test';" in sql


def test_unknown_and_missing_parameters() -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    with pytest.raises(TemplateError, match="no parameter 'colour'"):
        renderer.render_template("rpc-json", {"name": "f", "query": "select 1", "colour": "red"})
    with pytest.raises(TemplateError, match="needs parameter 'query'"):
        renderer.render_template("rpc-json", {"name": "f"})
    with pytest.raises(TemplateError, match="must be like '5 minutes'"):
        renderer.render_template(
            "cached-rpc", {"name": "f", "compute": "x()", "tags": ["t"], "ttl": "soon"}
        )
    with pytest.raises(TemplateError, match="unknown template"):
        renderer.render_template("nope", {})


# Legal values that look like SQL: accepted, applied, and back as data, never as code.
ODD_NAME = "x %', nextval('public.pwn')::text || '"
ODD_TEXT = 'it\'s $fn$ */ -- /* \\ "q" ; $$ \r\n\u2028\t end'
ODD_LABEL = 'it\'s -- a "label"; $5 \\ ok'
ODD_CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "rpc-json",
        {
            "name": ODD_NAME,
            "query": "select '{}'::jsonb",
            "security": "definer",
            "definer_reason": ODD_LABEL,
            "authorize": "false",
            "comment": ODD_TEXT,
        },
    ),
    ("cache-framework", {"schema": "Internal", "table": "Mixed Case"}),
    ("auth-hook", {"default_role": ODD_TEXT}),
    ("job-queue", {"channel": ODD_LABEL}),
    (
        "invalidation-trigger",
        {"name": "n", "table": "public.students", "tags": ["it's", "a$b$c", "p:id"]},
    ),
    (
        "rls-policies",
        {
            "table": "public.students",
            "client_via": "exists (select 1 from public.profiles p where p.client_id = jwt_client_id "
            "and p.role <> 'jwt_client_id')",
        },
    ),
    (
        "cached-rpc",
        {
            "name": ODD_NAME,
            "compute": "public.student_total()",
            "tags": ["it's", "$$"],
            "allowed_roles": ["it's"],
        },
    ),
]


def test_values_that_look_like_sql_apply_as_data(sqlkit_server: SqlkitServer) -> None:
    renderer = Renderer(Settings(root=Path("/nonexistent")))
    db = "sqlkit_tpl_odd_values"
    create_database(sqlkit_server.server, db)
    with sqlkit_server.server.connect(db) as setup:
        install_shim(setup, "supabase")
    try:
        with sqlkit_server.connect(db) as conn:
            for kind, params in ODD_CASES:
                cache = (
                    renderer.render_template("cache-framework", {}) if kind in NEEDS_CACHE else ""
                )
                prelude = PRELUDE.replace(STUDENTS_SELF, "") if kind == "rls-policies" else PRELUDE
                sql = renderer.render_template(kind, params)
                try:
                    conn.execute(
                        ("create schema if not exists private;\n" + prelude + cache + sql).encode()
                    )
                    _check_odd(conn, kind)
                except psycopg.Error as exc:
                    raise AssertionError(f"{kind} {params}: {exc}\n{sql}") from None
                finally:
                    conn.rollback()
    finally:
        sqlkit_server.drop(db)


def _raised(conn: psycopg.Connection, sql: str) -> str:
    conn.execute("savepoint call")
    try:
        conn.execute(sql)
    except psycopg.Error as exc:
        conn.execute("rollback to savepoint call")
        return str(exc.diag.message_primary)
    raise AssertionError(f"{sql} did not raise")


def _check_odd(conn: psycopg.Connection, kind: str) -> None:
    quoted = '"' + ODD_NAME + '"'
    if kind in ("rpc-json", "cached-rpc"):
        assert _raised(conn, f"select public.{quoted}()") == f"not allowed to call {ODD_NAME}"
    if kind == "rpc-json":
        row = conn.execute(
            "select pg_catalog.obj_description(p.oid, 'pg_proc') from pg_catalog.pg_proc p "
            "where p.proname = %s",
            (ODD_NAME,),
        ).fetchone()
        assert row == (ODD_TEXT,)
    if kind == "cache-framework":  # the counters are found by a quoted regclass literal
        assert conn.execute("select \"Internal\".cache_get('k')").fetchone() == (None,)
        assert conn.execute('select misses from "Internal".cache_stats()').fetchone() == (1,)
    if kind == "auth-hook":
        event = '{"user_id": "00000000-0000-0000-0000-000000000001", "claims": {}}'
        row = conn.execute(
            "select public.custom_access_token_hook(%s::jsonb) -> 'claims' ->> 'user_role'",
            (event,),
        ).fetchone()
        assert row == (ODD_TEXT,)
    if kind == "invalidation-trigger":
        row = conn.execute(
            "select tgargs from pg_catalog.pg_trigger where tgname = 'n_ins'"
        ).fetchone()
        assert row is not None and bytes(row[0]) == b"it's\0a$b$c\0p:id\0"
    if kind == "rls-policies":
        row = conn.execute(
            "select qual from pg_catalog.pg_policies where policyname = 'students_select'"
        ).fetchone()
        assert row is not None and "'jwt_client_id'::text" in row[0]
