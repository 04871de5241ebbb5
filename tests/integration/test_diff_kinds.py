"""Every kind `sqlkit diff` compares, one pair of states each (git ≠ deployed), on real Postgres:
the difference is named by object and fact, the emitted SQL applies and converges, and the
fixed database dumps (`pg_dump --schema-only`) as one built from git does."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sqlkit.engines.base import create_database, drop_database
from sqlkit.live.compare import DiffResult, compare
from sqlkit.live.emit import emit_sql
from sqlkit.live.snapshot import Snapshot, take_snapshot
from sqlkit.testing import SqlkitServer


@dataclass(frozen=True)
class Case:
    id: str
    git: str
    deployed: str
    expected: list[tuple[str, str, str, list[str]]]  # kind, name, status, facts
    allow_drop: bool = False


CASES = [
    Case(
        "schema",
        "create schema app; comment on schema app is 'the application';"
        "grant usage on schema app to sqlkit_reader; create schema reports;",
        "create schema app; create schema scratch;",
        [
            ("schema", "app", "changed", ["privileges", "comment"]),
            ("schema", "reports", "missing", []),
            ("schema", "scratch", "extra", []),
        ],
        allow_drop=True,
    ),
    Case(
        "extension",
        "create extension hstore version '1.8'; create extension citext;",
        "create extension hstore version '1.7'; create extension cube;",
        [
            ("extension", "citext", "missing", []),
            ("extension", "cube", "extra", []),
            ("extension", "hstore", "changed", ["version"]),
        ],
        allow_drop=True,
    ),
    Case(
        "enum, values added",
        "create type mood as enum ('sad', 'ok', 'happy', 'elated');"
        "create table t (m mood default 'ok');",
        "create type mood as enum ('ok', 'happy');create table t (m mood default 'ok');",
        [("enum", "public.mood", "changed", ["values"])],
    ),
    Case(
        "enum, value removed (a column and a view over it use the type)",
        "create type mood as enum ('ok', 'happy');"
        "create table t (id int primary key, m mood default 'ok', ms mood[]);"
        "create view v as select id, m from t where m <> 'happy';"
        "create function f(mood) returns text language sql as 'select $1::text';",
        "create type mood as enum ('sad', 'ok', 'happy');"
        "create table t (id int primary key, m mood default 'ok', ms mood[]);"
        "create view v as select id, m from t where m <> 'happy';"
        "create function f(mood) returns text language sql as 'select $1::text';"
        "insert into t values (1, 'happy', '{ok}');",
        [("enum", "public.mood", "changed", ["values"])],
        allow_drop=True,
    ),
    Case(
        "domain",
        "create domain pos as int default 1 not null constraint pos_check check (value > 0);"
        "comment on domain pos is 'positive';"
        'create domain code as text collate "C";',
        "create domain pos as int constraint pos_check check (value >= 0);"
        "create domain code as text;",
        [
            ("domain", "public.code", "changed", ["collation"]),
            (
                "domain",
                "public.pos",
                "changed",
                ["not null", "default", "constraint pos_check", "comment"],
            ),
        ],
    ),
    Case(
        "composite type",
        "create type pair as (a int, b text, c date);"
        "create type held as (a bigint, c text);"
        "create table uses (h held);",
        "create type pair as (a int, b varchar(3));"
        "create type held as (a int, b text);"
        "create table uses (h held); insert into uses values (row(1, 'x'));",
        [
            ("composite", "public.held", "changed", ["attributes"]),
            ("composite", "public.pair", "changed", ["attributes"]),
        ],
        allow_drop=True,
    ),
    Case(
        "sequence",
        "create table t (id int, other int);"
        "create sequence s as integer increment by 5 maxvalue 100000 cache 10 owned by t.id;"
        "grant usage on sequence s to sqlkit_reader;",
        "create table t (id int, other int);"
        "create sequence s as bigint owned by t.other; create sequence leftover;",
        [
            ("sequence", "public.leftover", "extra", []),
            (
                "sequence",
                "public.s",
                "changed",
                ["type", "increment", "maximum", "cache", "owned by", "privileges"],
            ),
        ],
        allow_drop=True,
    ),
    Case(
        "table, created whole and dropped",
        "create table parent (id bigint generated always as identity primary key);"
        "create function touch() returns trigger language plpgsql as "
        "$$ begin new.at = now(); return new; end $$;"
        "create table child (id serial primary key, parent_id bigint not null references parent(id),"
        " code text unique, at timestamptz, check (code <> ''));"
        "create index child_code_lower on child (lower(code));"
        "alter table child enable row level security;"
        "create policy own on child for select using (parent_id > 0);"
        "create trigger child_touch before update on child for each row execute function touch();"
        "grant select on child to sqlkit_reader;"
        "grant insert (code) on child to sqlkit_reader;"
        "comment on column child.code is 'unique code';",
        "create table parent (id bigint generated always as identity primary key);"
        "create function touch() returns trigger language plpgsql as "
        "$$ begin new.at = now(); return new; end $$;"
        "create table legacy (id serial primary key); create table legacy_ref (id int references legacy);",
        [
            ("table", "public.child", "missing", []),
            ("table", "public.legacy", "extra", []),
            ("table", "public.legacy_ref", "extra", []),
        ],
        allow_drop=True,
    ),
    Case(
        "table facts",
        "create unlogged table u (id int);"
        "create table o (id int) with (fillfactor = 70);"
        "create table r (id int not null); create unique index r_id on r (id);"
        "alter table r replica identity using index r_id;"
        "create table f (id int); alter table f replica identity full;"
        "alter table o enable row level security; alter table o force row level security;"
        "comment on table o is 'options';",
        "create table u (id int);"
        "create table o (id int) with (fillfactor = 50, autovacuum_enabled = false);"
        "create table r (id int not null); create unique index r_id on r (id);"
        "create table f (id int);",
        [
            ("table", "public.f", "changed", ["replica identity"]),
            (
                "table",
                "public.o",
                "changed",
                ["options", "row level security", "force row level security", "comment"],
            ),
            ("table", "public.r", "changed", ["replica identity"]),
            ("table", "public.u", "changed", ["logged"]),
        ],
    ),
    Case(
        "partitions and inheritance",
        "create table events (id int, kind text) partition by list (kind);"
        "create table events_a partition of events for values in ('a');"
        "create table events_b partition of events for values in ('b');"
        "create table base (id int); create table derived (id int, extra text);"
        "create table loose (id int);",
        "create table events (id int, kind text) partition by list (kind);"
        "create table events_a partition of events for values in ('a');"
        "create table events_b (id int, kind text);"
        "create table base (id int); create table derived (extra text) inherits (base);"
        "create table loose (id int) partition by range (id);",
        [
            ("table", "public.derived", "changed", ["inherits"]),
            ("table", "public.events_b", "changed", ["partition of"]),
            ("table", "public.loose", "changed", ["partition by"]),
        ],
        allow_drop=True,
    ),
    Case(
        "columns in place",
        'create table t (id bigint, name varchar(40) collate "C", n int not null default 1,'
        " doubled int generated always as (n * 2) stored, seq int generated by default as identity,"
        " note text);"
        "create view names as select id, name from t;"
        "create policy by_name on t using (name <> '');"
        "grant update (note) on t to sqlkit_reader;"
        "comment on column t.note is 'free text';",
        "create table t (id int, name varchar(20), n int, doubled int generated always as (n * 3) stored,"
        " seq int not null, note text, gone text);"
        "create view names as select id, name from t;"
        "create policy by_name on t using (name <> '');",
        [
            ("column", "public.t.doubled", "changed", ["generated"]),
            ("column", "public.t.gone", "extra", []),
            ("column", "public.t.id", "changed", ["type"]),
            ("column", "public.t.n", "changed", ["default", "not null"]),
            ("column", "public.t.name", "changed", ["type", "collation"]),
            ("column", "public.t.note", "changed", ["privileges", "comment"]),
            ("column", "public.t.seq", "changed", ["identity"]),
            ("view", "public.names", "changed", ["columns"]),
        ],
        allow_drop=True,
    ),
    Case(
        "column narrowed (loses data)",
        "create table t (amount int);",
        "create table t (amount text); insert into t values ('12');",
        [("column", "public.t.amount", "changed", ["type"])],
        allow_drop=True,
    ),
    Case(
        "constraints",
        "create table p (id int primary key, slot int4range,"
        " exclude using gist (slot with &&));"
        "create table c (id int primary key, p_id int, qty int,"
        " constraint qty_positive check (qty > 0), constraint c_p unique (p_id));"
        "alter table c add constraint c_p_fk foreign key (p_id) references p (id) not valid;"
        "comment on constraint qty_positive on c is 'no zero';",
        "create table p (id int primary key, slot int4range);"
        "create table c (id int primary key, p_id int, qty int,"
        " constraint qty_positive check (qty >= 0));"
        "alter table c add constraint c_p_fk foreign key (p_id) references p (id);",
        [
            ("constraint", "public.c.c_p", "missing", []),
            ("constraint", "public.c.c_p_fk", "changed", ["validated"]),
            ("constraint", "public.c.qty_positive", "changed", ["definition", "comment"]),
            ("constraint", "public.p.p_slot_excl", "missing", []),
        ],
    ),
    Case(
        "indexes, on a table and on a materialized view",
        "create table t (id int, name text);"
        "create index t_name on t (lower(name)) where id > 0;"
        "create materialized view m as select id, name from t;"
        "create unique index m_id on m (id); comment on index m_id is 'refresh concurrently';",
        "create table t (id int, name text);"
        "create index t_name on t (name); create index t_extra on t (id);"
        "create materialized view m as select id, name from t;",
        [
            ("index", "public.m_id", "missing", []),
            ("index", "public.t_extra", "extra", []),
            ("index", "public.t_name", "changed", ["definition"]),
        ],
        allow_drop=True,
    ),
    Case(
        "views: a chain view → view → materialized view whose columns change",
        "create table t (id int, name text, secret text);"
        "create view a as select id, name from t;"
        "create view b as select id, upper(name) as name from a;"
        "create materialized view c as select * from b;"
        "create index c_id on c (id);"
        "grant select on b to sqlkit_reader;",
        "create table t (id int, name text, secret text);"
        "create view a as select id, name, secret from t;"
        "create view b as select id, name, secret from a;"
        "create materialized view c as select * from b;"
        "create index c_id on c (id);",
        [
            ("view", "public.a", "changed", ["definition", "columns"]),
            ("view", "public.b", "changed", ["definition", "columns", "privileges"]),
            ("view", "public.c", "changed", ["definition", "columns"]),
        ],
    ),
    Case(
        "functions: a result type changes under a view",
        "create function total(a int, b int) returns bigint language sql immutable "
        "as 'select a::bigint + b';"
        "create view totals as select total(1, 2) as t;"
        "create function helper() returns int language plpgsql as $$ begin return 2; end $$;",
        "create function total(a int, b int) returns int language sql immutable as 'select a + b';"
        "create view totals as select total(1, 2) as t;"
        "create function helper() returns int language plpgsql as $$ begin return 1; end $$;",
        [
            ("function", "public.helper()", "changed", ["body"]),
            ("function", "public.total(integer,integer)", "changed", ["body", "returns"]),
            ("view", "public.totals", "changed", ["columns"]),
        ],
    ),
    Case(
        "policy on a new column; trigger on a new table",
        "create table t (id int, owner_id int);"
        "alter table t enable row level security;"
        "create policy own on t using (owner_id = 1);"
        "create function stamp() returns trigger language plpgsql as $$ begin return new; end $$;"
        "create table audit (id int, at timestamptz default now());"
        "create trigger audit_stamp before insert on audit for each row execute function stamp();"
        "comment on trigger audit_stamp on audit is 'stamps';"
        "create table other (id int);"
        "create trigger other_stamp before insert on other for each row execute function stamp();"
        "alter table other disable trigger other_stamp;",
        "create table t (id int);"
        "alter table t enable row level security;"
        "create function stamp() returns trigger language plpgsql as $$ begin return new; end $$;"
        "create table other (id int);"
        "create trigger other_stamp before insert on other for each row execute function stamp();",
        [
            ("table", "public.audit", "missing", []),
            ("column", "public.t.owner_id", "missing", []),
            ("trigger", "public.other.other_stamp", "changed", ["enabled"]),
            ("policy", "public.t.own", "missing", []),
        ],
    ),
    Case(
        "triggers and policies of yours on the platform's tables",
        "create schema auth; create table auth.users (id uuid primary key);"
        "create schema storage; create table storage.objects (name text, owner uuid);"
        "create table public.profiles (id uuid);"
        "create function public.handle_new_user() returns trigger language plpgsql as "
        "$$ begin insert into public.profiles values (new.id); return new; end $$;"
        "create trigger on_auth_user_created after insert on auth.users"
        " for each row execute function public.handle_new_user();"
        "alter table storage.objects enable row level security;"
        "create policy own_files on storage.objects for select using (owner = gen_random_uuid());",
        "create schema auth; create table auth.users (id uuid primary key);"
        "create schema storage; create table storage.objects (name text, owner uuid);"
        "create table public.profiles (id uuid);"
        "create function public.handle_new_user() returns trigger language plpgsql as "
        "$$ begin insert into public.profiles values (new.id); return new; end $$;"
        "alter table storage.objects enable row level security;",
        [
            ("policy", "storage.objects.own_files", "missing", []),
            ("trigger", "auth.users.on_auth_user_created", "missing", []),
        ],
    ),
    Case(
        "default privileges",
        "alter default privileges in schema public grant select on tables to sqlkit_reader;"
        "alter default privileges revoke execute on functions from public;",
        "alter default privileges grant usage on types to sqlkit_reader;",
        [  # no entry on one side: PostgreSQL's built-in defaults there
            (
                "default privileges",
                "for role (deployer) in schema public on tables",
                "changed",
                ["privileges"],
            ),
            ("default privileges", "for role (deployer) on functions", "changed", ["privileges"]),
            ("default privileges", "for role (deployer) on types", "changed", ["privileges"]),
        ],
    ),
]


@pytest.fixture(scope="module")
def reader_role(sqlkit_server: SqlkitServer) -> None:
    with sqlkit_server.connect("postgres", autocommit=True) as conn:
        conn.execute(
            "do $$ begin if not exists (select from pg_roles where rolname = 'sqlkit_reader')"
            " then create role sqlkit_reader nologin; end if; end $$"
        )


@pytest.fixture
def databases(sqlkit_server: SqlkitServer) -> Iterator[tuple[str, str]]:
    names = (f"sqlkit_git_{secrets.token_hex(4)}", f"sqlkit_live_{secrets.token_hex(4)}")
    for name in names:
        create_database(sqlkit_server.server, name)
    try:
        yield names
    finally:
        for name in names:
            drop_database(sqlkit_server.server, name)


def execute(sqlkit_server: SqlkitServer, db: str, sql: str) -> None:
    with sqlkit_server.connect(db, autocommit=True) as conn:
        conn.execute(sql.encode())


def snapshot(sqlkit_server: SqlkitServer, db: str) -> Snapshot:
    with sqlkit_server.connect(db, autocommit=True) as conn:
        return take_snapshot(conn)


def found(result: DiffResult) -> list[tuple[str, str, str, list[str]]]:
    return sorted(
        (d.kind, d.name, d.status, [c.fact for c in d.changes]) for d in result.differences
    )


def pg_dump(sqlkit_server: SqlkitServer, db: str) -> str:
    """The schema as pg_dump writes it, normalised: no comments, settings or blank lines,
    statements sorted, and the columns of a table sorted (column order is not compared)."""
    from sqlkit.engines.embedded import wheel_bindir

    bindir = wheel_bindir()
    if bindir is None or not (bindir / "pg_dump").exists():
        pytest.skip("no pg_dump next to the embedded server")
    text = subprocess.run(
        [str(bindir / "pg_dump"), "--schema-only", sqlkit_server.server.url(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.startswith(("--", "\\", "SET ", "SELECT pg_catalog.set_config"))
    ]
    statements = re.split(r";\n", "\n".join(lines))
    out = []
    for statement in statements:
        head, paren, body = statement.partition(" (\n")
        if head.startswith("CREATE") and " TABLE " in head and paren:
            columns, _, tail = body.rpartition("\n)")
            parts = sorted(p.strip().rstrip(",") for p in columns.split("\n"))
            statement = head + " (\n" + "\n".join(parts) + "\n)" + tail
        out.append(statement.strip())
    return "\n".join(sorted(out))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_kind_is_compared_and_converges(
    sqlkit_server: SqlkitServer, reader_role: None, databases: tuple[str, str], case: Case
) -> None:
    git, live = databases
    execute(sqlkit_server, git, case.git)
    execute(sqlkit_server, live, case.deployed)
    want = snapshot(sqlkit_server, git)
    have = snapshot(sqlkit_server, live)
    result = compare(want, have)
    assert found(result) == sorted(case.expected)
    fix = emit_sql(result, have, allow_drop=case.allow_drop)
    execute(sqlkit_server, live, fix)
    after = compare(want, snapshot(sqlkit_server, live))
    assert found(after) == [], fix
    assert pg_dump(sqlkit_server, live) == pg_dump(sqlkit_server, git)


GIT_PROJECT = """
create type status as enum ('new', 'done');
create table tasks (id bigint generated always as identity primary key, title text not null,
  status status not null default 'new', owner_id int);
create index tasks_owner on tasks (owner_id);
create view open_tasks as select id, title from tasks where status = 'new';
alter table tasks enable row level security;
create policy own_tasks on tasks using (owner_id = 1);
"""
DEPLOYED = """
create type status as enum ('new', 'doing', 'done');
create table tasks (id int generated always as identity primary key, title text not null,
  status status not null default 'new', legacy text);
create view open_tasks as select id, title, legacy from tasks where status = 'new';
create table scratch (id int);
"""


def test_cli_diff_emit_apply_converges(
    sqlkit_server: SqlkitServer, databases: tuple[str, str], tmp_path: Path
) -> None:
    """Exit 1 on drift naming object and fact (data-losing ones marked); the emitted file
    applies; the next diff exits 0."""
    from tests.integration.conftest import run_cli, write

    _, live = databases
    write(tmp_path / "sqlkit.toml", 'target = "postgres"\n')
    write(tmp_path / "migrations/1_tasks.sql", GIT_PROJECT)
    execute(sqlkit_server, live, DEPLOYED)
    url = sqlkit_server.server.url(live)
    scratch = ["--engine", "dsn", "--scratch-dsn", sqlkit_server.server.url()]
    fix = tmp_path / "fix.sql"
    drift = run_cli(
        ["diff", "--dsn", url, *scratch, "--emit-sql", str(fix), "--allow-drop"], tmp_path
    )
    assert drift.returncode == 1, drift.stderr
    lines = [" ".join(line.split()) for line in drift.stdout.splitlines()]
    assert "changed enum public.status (loses data: --allow-drop)" in lines
    assert "values: 'new', 'done' → 'new', 'doing', 'done'" in lines
    assert "extra table public.scratch (loses data: --allow-drop)" in lines
    assert "extra column public.tasks.legacy (loses data: --allow-drop)" in lines
    assert "missing column public.tasks.owner_id" in lines
    assert "type: bigint → integer" in lines
    assert "missing policy public.tasks.own_tasks" in lines
    assert "Traceback" not in drift.stderr
    with sqlkit_server.connect(live, autocommit=True) as conn:
        conn.execute(fix.read_bytes())
    clean = run_cli(["diff", "--dsn", url, *scratch, "--format", "json"], tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert json.loads(clean.stdout)["differences"] == []


def test_without_allow_drop_nothing_that_loses_data_is_emitted(
    sqlkit_server: SqlkitServer, reader_role: None, databases: tuple[str, str]
) -> None:
    """A narrowed type, a dropped column or table, a removed enum value: each is written as a
    comment that says why, and applying the file keeps the data."""
    git, live = databases
    execute(
        sqlkit_server,
        git,
        "create type mood as enum ('ok'); create table t (amount int, m mood);",
    )
    execute(
        sqlkit_server,
        live,
        "create type mood as enum ('ok', 'sad'); create table t (amount text, m mood, gone text);"
        "create table old (id int); insert into t values ('12', 'sad', 'kept');",
    )
    want = snapshot(sqlkit_server, git)
    have = snapshot(sqlkit_server, live)
    result = compare(want, have)
    assert [(d.name, d.loses_data) for d in result.differences] == [
        ("public.mood", True),
        ("public.old", True),
        ("public.t.amount", True),
        ("public.t.gone", True),
    ]
    fix = emit_sql(result, have)
    assert "-- not changed without --allow-drop (it loses data): enum public.mood (values)" in fix
    assert "-- not dropped without --allow-drop: drop table public.old;" in fix
    assert (
        "-- not changed without --allow-drop (it loses data): column public.t.amount (type)" in fix
    )
    assert "-- not dropped without --allow-drop: alter table public.t drop column gone;" in fix
    execute(sqlkit_server, live, fix)
    with sqlkit_server.connect(live) as conn:
        assert conn.execute("select amount, m::text, gone from t").fetchall() == [
            ("12", "sad", "kept")
        ]
    assert len(compare(want, snapshot(sqlkit_server, live)).differences) == 4


def test_what_postgresql_refuses_that_the_fixes_work_around(
    sqlkit_server: SqlkitServer, databases: tuple[str, str]
) -> None:
    """The behaviours docs/diff.md names, on the server: CREATE OR REPLACE VIEW cannot drop
    a column; a column a view reads cannot change type; an enum value added in a transaction
    cannot be used before it commits."""
    import psycopg

    _, db = databases
    execute(
        sqlkit_server,
        db,
        "create table t (id int, name text); create view v as select id, name from t;"
        "create type mood as enum ('ok');",
    )
    refusals = {
        "create or replace view v as select id from t": "cannot drop columns from view",
        "alter table t alter column id type bigint": "used by a view or rule",
        "begin; alter type mood add value 'sad'; select 'sad'::mood;": "unsafe use of new value",
    }
    for statement, message in refusals.items():
        with (
            sqlkit_server.connect(db, autocommit=True) as conn,
            pytest.raises(psycopg.Error, match=message),
        ):
            conn.execute(statement.encode())
