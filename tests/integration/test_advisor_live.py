"""SK214-SK224 against a real database: every YAML case, applied to Postgres with the Supabase
shim, gets the same verdict (the same objects) from the live query `sqlkit lint --dsn` runs
(sqlkit.live.checks, written after splinter's lints with sqlkit's documented differences).

Each case runs in a transaction that is rolled back. Two stand-ins, since the embedded server
has neither extension: `pgmq.create(name)` makes the queue tables pgmq would, and
`create/drop extension pg_graphql` become a row of pg_extension (which is all the check
reads). Cases marked `live: false` say in the YAML why they cannot run here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from sqlkit.config import Settings, settings_from_table
from sqlkit.lint.registry import load_rules
from sqlkit.live.checks import CHECKS, run_checks
from sqlkit.testing import SqlkitServer
from tests.conftest import lint_text

CASES = Path(__file__).resolve().parent.parent / "rules" / "cases"
CODES = sorted(code for code, rule in load_rules().items() if rule.structure)

PGMQ_STAND_IN = """
create schema if not exists pgmq;
create or replace function pgmq.create(queue_name text) returns void language plpgsql as $$
begin
  execute format('create table pgmq.%I (msg_id bigint generated always as identity primary key,
    read_ct int not null default 0, enqueued_at timestamptz not null default now(),
    vt timestamptz not null default now(), message jsonb)', 'q_' || queue_name);
  execute format('create table pgmq.%I (msg_id bigint primary key, read_ct int,
    enqueued_at timestamptz, archived_at timestamptz default now(), vt timestamptz,
    message jsonb)', 'a_' || queue_name);
end $$;
"""
_CREATE_GRAPHQL = re.compile(r"create extension (?:if not exists )?pg_graphql[^;]*;", re.IGNORECASE)
_DROP_GRAPHQL = re.compile(r"drop extension (?:if exists )?pg_graphql[^;]*;", re.IGNORECASE)
GRAPHQL_ROW = (
    "insert into pg_catalog.pg_extension (oid, extname, extowner, extnamespace, "
    "extrelocatable, extversion) values (999999, 'pg_graphql', 10, "
    "'pg_catalog'::pg_catalog.regnamespace, false, '1.5');"
)


def _cases() -> list[Any]:
    params = []
    for code in CODES:
        data = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
        for index, case in enumerate(data["cases"]):
            marks = (
                [pytest.mark.skip(reason="live: false in the YAML")]
                if case.get("live") is False
                else []
            )
            slug = re.sub(r"[^a-z0-9]+", "-", case["desc"].lower()).strip("-")[:40]
            params.append(pytest.param(code, case, id=f"{code}-{index:02d}-{slug}", marks=marks))
    return params


@pytest.fixture(scope="module")
def conn(sqlkit_server: SqlkitServer, shim_db: str) -> Iterator[psycopg.Connection]:
    with sqlkit_server.connect(shim_db, autocommit=True) as setup:
        setup.execute(PGMQ_STAND_IN.encode())
    with sqlkit_server.connect(shim_db) as connection:
        yield connection


def _live_objects(conn: psycopg.Connection, sql: str, settings: Settings, code: str) -> set[str]:
    found: set[str] = set()
    sql = _CREATE_GRAPHQL.sub(GRAPHQL_ROW, sql)
    sql = _DROP_GRAPHQL.sub(
        "delete from pg_catalog.pg_extension where extname = 'pg_graphql';", sql
    )
    with conn.transaction(force_rollback=True):
        conn.execute(sql.encode())
        observations, notes = run_checks(conn, settings, [code])
        assert not notes, notes
        found = {o.object for o in observations if o.code == code}
    conn.execute("reset all")  # SET search_path in a case does not outlive it
    return found


@pytest.mark.parametrize(("code", "case"), _cases())
def test_static_and_live_verdicts_agree(
    conn: psycopg.Connection, code: str, case: dict[str, Any]
) -> None:
    sql = case.get("fail_sql", case.get("pass_sql"))
    config = case.get("config")
    settings = settings_from_table(config, Path.cwd(), None) if config else Settings()
    static = {f.object for f in lint_text(sql, config).findings if f.code == code}
    live = _live_objects(conn, sql, settings, code)
    assert static == live, f"static {sorted(static)} != live {sorted(live)}"
    assert bool(static) == ("fail_sql" in case)


def test_every_structure_rule_has_a_live_check_and_live_cases() -> None:
    assert set(CODES) <= set(CHECKS)
    for code in CODES:
        data = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
        live = [c for c in data["cases"] if c.get("live") is not False]
        assert sum("fail_sql" in c for c in live) >= 3, code
        assert sum("pass_sql" in c for c in live) >= 3, code
