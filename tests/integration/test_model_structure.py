"""The replayed table structure is what Postgres builds: a DDL script exercising CREATE
TABLE (inline and table constraints, equal keys merged into one index, LIKE, PARTITION OF,
INHERITS, serial, identity, generated), CREATE/DROP/RENAME INDEX, ALTER TABLE ADD/DROP/RENAME COLUMN,
ADD/DROP/RENAME/VALIDATE CONSTRAINT (also USING INDEX), ALTER COLUMN TYPE/NOT NULL,
ATTACH/DETACH PARTITION, RENAME TO (also ALTER INDEX ... RENAME of a table) and
CREATE/ALTER EXTENSION is replayed by sqlkit and applied to a real Postgres, and the two
agree on every column, constraint (names Postgres chose included), index and extension."""

from __future__ import annotations

from typing import Any

import psycopg

from sqlkit.model import extract_events, replay
from sqlkit.model.extract import KINDS
from sqlkit.model.state import Model
from sqlkit.sql import parse_statements, source_from_text
from sqlkit.testing import SqlkitServer

SCRIPT = """
create extension citext;
create extension if not exists hstore with schema extensions;
alter extension hstore set schema public;
create schema app;
set search_path = app, public;
create table accounts (id bigint generated always as identity primary key, slug citext unique not null,
  created_at timestamptz default now());
reset search_path;
create table public.users (
  id uuid primary key,
  email text not null,
  handle varchar(40) unique,
  account_id bigint references app.accounts on delete cascade,
  score numeric(10, 2)[] check (cardinality(score) < 10),
  shout text generated always as (email || '!') stored,
  n serial,
  constraint users_email_len check (length(email) > 3 and length(handle) < 50),
  check (score is not null)
);
create table public.posts (
  id bigint primary key,
  author uuid references public.users,
  editor uuid references public.users,
  account_id bigint,
  account_slug citext,
  foreign key (account_id) references app.accounts (id),
  foreign key (account_id) references app.accounts (id),
  body text
);
create index on public.posts (author);
create index on public.posts (author);
create index on public.posts (lower(body));
create index on public.posts ((body || 'x'));
create unique index posts_body_uq on public.posts (body) where id > 0;
alter table public.posts add column tags text[], add constraint posts_tags_check check (tags is not null) not valid;
alter table public.posts alter column body type varchar(200);
alter table public.posts rename column editor to reviewer;
alter table public.posts rename constraint posts_editor_fkey to posts_reviewer_fkey;
alter table public.posts drop column account_slug;
alter table public.posts add constraint posts_account_fk foreign key (account_id) references app.accounts not valid;
alter table public.posts validate constraint posts_account_fk;
alter table public.posts drop constraint posts_account_id_fkey1;
alter index public.posts_author_idx1 rename to posts_author_again;
drop index public.posts_author_again;
create table public.a_table_with_a_really_quite_long_name_to_force_truncation_of_names (
  a_column_with_a_long_name_as_well bigint references public.posts, other int
);
create table public.archive (like public.posts including all);
alter table public.archive rename to archive_2026;
create table public.metrics (at timestamptz, id bigint, host text, primary key (at, id),
  unique (host, at)) partition by range (at);
create index on public.metrics (host);
create table public.metrics_2026 partition of public.metrics
  for values from ('2026-01-01') to ('2027-01-01');
create table public.child (extra int) inherits (public.users);
create table public.keyless (a int not null, b int);
alter table public.keyless add primary key (a);
alter table public.keyless add constraint keyless_b_uniq unique (b);
create unique index keyless_b2 on public.keyless (b);
alter table public.keyless drop constraint keyless_pkey;
alter table public.keyless alter column b set not null;
alter table public.keyless alter column a drop not null;
create table public.merged (id uuid unique not null, c int constraint merged_c_named unique,
  d int, unique (c), primary key (id), unique (d), constraint merged_d_again unique (d));
create table public.events (at timestamptz, id bigint, primary key (at, id)) partition by range (at);
create index on public.events (id);
create table public.events_2025 (at timestamptz not null, id bigint not null);
alter table public.events attach partition public.events_2025
  for values from ('2025-01-01') to ('2026-01-01');
create table public.events_2020 partition of public.events
  for values from ('2020-01-01') to ('2021-01-01');
alter table public.events detach partition public.events_2020;
alter index public.events_2025 rename to events_2025_renamed;
create table public.inc (c1 int, c2 int, c3 int);
create unique index inc_idx on public.inc (c1, c2) include (c3);
alter table public.inc add unique using index inc_idx;
alter table public.inc add unique (c1) include (c2, c3);
create table public.t2 (a int not null);
create unique index t2_a_idx on public.t2 (a);
alter table public.t2 add constraint t2_pk primary key using index t2_a_idx;
"""
SCHEMAS = ("public", "app")
_KINDS = {"p": "primary", "u": "unique", "f": "foreign", "c": "check", "x": "exclude"}


def _model() -> Model:
    source = source_from_text("m.sql", SCRIPT)
    return replay(extract_events(source, parse_statements(source, kinds=KINDS)), "supabase")


def _type(name: str) -> str:
    base = name.rsplit(".", 1)[-1]
    return "_" + base[:-2] if base.endswith("[]") else base


def _from_model(model: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in model.tables.values():
        if table.schema not in SCHEMAS:
            continue
        out[table.qualified_name] = {
            "columns": [
                (
                    c.name,
                    _type(c.type_name),
                    c.not_null,
                    c.has_default or c.generated is not None,
                    c.identity,
                    c.generated,
                )
                for c in table.columns.values()
            ],
            "constraints": sorted(
                (
                    c.name,
                    c.kind,
                    c.columns if c.kind != "check" else (),
                    f"{c.ref_schema}.{c.ref_table}" if c.kind == "foreign" else None,
                    c.ref_columns,
                    not c.not_valid,
                )
                for c in table.constraints.values()
            ),
            "indexes": sorted(
                (i.name, i.unique, tuple(i.leading_columns), i.predicate is not None)
                for i in table.indexes.values()
            ),
        }
    return out


def _names(conn: psycopg.Connection, rel: int, attnums: list[int] | None) -> tuple[Any, ...]:
    names = dict(
        conn.execute(
            "select attnum, attname from pg_attribute where attrelid = %s and attnum > 0", (rel,)
        ).fetchall()
    )
    return tuple(names.get(n) if n else None for n in attnums or ())


def _from_catalog(conn: psycopg.Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tables = conn.execute(
        "select c.oid, n.nspname || '.' || c.relname from pg_class c join pg_namespace n "
        "on n.oid = c.relnamespace where c.relkind in ('r', 'p') and n.nspname = any(%s)",
        (list(SCHEMAS),),
    ).fetchall()
    for oid, name in tables:
        columns = conn.execute(
            "select a.attname, t.typname, a.attnotnull, a.atthasdef,"
            " case a.attidentity when 'a' then 'always' when 'd' then 'by default' end,"
            " case a.attgenerated when 's' then 'stored' when 'v' then 'virtual' end"
            " from pg_attribute a join pg_type t on t.oid = a.atttypid"
            " where a.attrelid = %s and a.attnum > 0 and not a.attisdropped order by a.attnum",
            (oid,),
        ).fetchall()
        constraints = []
        for conname, contype, conkey, confrelid, confkey, validated in conn.execute(
            "select conname, contype, conkey, confrelid, confkey, convalidated from pg_constraint"
            " where conrelid = %s and contype <> 'n'",
            (oid,),
        ).fetchall():
            ref = None
            if contype == "f":
                ref = conn.execute(
                    "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n"
                    " on n.oid = c.relnamespace where c.oid = %s",
                    (confrelid,),
                ).fetchone()[0]
            constraints.append(
                (
                    conname,
                    _KINDS[contype],
                    _names(conn, oid, conkey) if contype != "c" else (),
                    ref,
                    _names(conn, confrelid, confkey) if contype == "f" else (),
                    validated,
                )
            )
        indexes = []
        for index, unique, keys, partial in conn.execute(
            "select c.relname, i.indisunique, i.indkey::int2[], i.indpred is not null"
            " from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = %s",
            (oid,),
        ).fetchall():
            count = conn.execute(
                "select indnkeyatts from pg_index i join pg_class c on c.oid = i.indexrelid"
                " where c.relname = %s",
                (index,),
            ).fetchone()[0]
            indexes.append((index, unique, _names(conn, oid, list(keys)[:count]), partial))
        out[name] = {
            "columns": [tuple(row) for row in columns],
            "constraints": sorted(constraints),
            "indexes": sorted(indexes),
        }
    return out


def test_replayed_structure_is_what_postgres_builds(
    sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    model = _model()
    with sqlkit_server.connect(shim_db) as conn, conn.transaction(force_rollback=True):
        conn.execute(SCRIPT.encode())
        catalog = _from_catalog(conn)
        extensions = dict(
            conn.execute(
                "select e.extname, n.nspname from pg_extension e join pg_namespace n"
                " on n.oid = e.extnamespace where e.extname in ('citext', 'hstore')"
            ).fetchall()
        )
    replayed = _from_model(model)
    assert sorted(replayed) == sorted(catalog)
    for name in catalog:
        assert replayed[name] == catalog[name], name
    assert {n: model.extensions[n].schema for n in ("citext", "hstore")} == extensions
