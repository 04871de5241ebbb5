"""The live-only rules (SK501-SK504) against a real database: each rule's Example, applied to
a fresh database with the Supabase shim, makes `sqlkit lint --dsn` report it; its Use instead
block does not. And `lint --dsn` reports the structure rules and live-only rules with the
same finding model as files: a code, a message, help, and the object it is about."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlkit.config import Settings
from sqlkit.engines.base import create_database, drop_database
from sqlkit.lint.registry import load_rules
from sqlkit.live.checks import run_checks
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import run_cli, write

LIVE = sorted(code for code, rule in load_rules().items() if rule.live)


@pytest.fixture(scope="module")
def live_template(sqlkit_server: SqlkitServer) -> Iterator[str]:
    """The shim database (with Storage's tables SK504 reads), as a template to clone per test."""
    from sqlkit.engines.shim import install_shim

    name = f"sqlkit_live_{secrets.token_hex(4)}"
    create_database(sqlkit_server.server, name)
    try:
        with sqlkit_server.connect(name, autocommit=True) as conn:
            install_shim(conn, "supabase")
        yield name
    finally:
        drop_database(sqlkit_server.server, name)


@pytest.fixture
def fresh_db(sqlkit_server: SqlkitServer, live_template: str) -> Iterator[str]:
    name = f"sqlkit_live_{secrets.token_hex(4)}"
    create_database(sqlkit_server.server, name, template=live_template)
    try:
        yield name
    finally:
        sqlkit_server.drop(name)


def _sql_block(section: str) -> str:
    match = re.search(r"```sql\n(.*?)```", section, re.S)
    assert match, "no ```sql block"
    return match.group(1)


def _observed(sqlkit_server: SqlkitServer, db: str, sql: str, code: str) -> list[str]:
    with sqlkit_server.connect(db, autocommit=True) as conn:
        conn.execute(sql.encode())
        # statistics reach shared memory when the backend goes idle after this request
        conn.execute("select pg_catalog.pg_stat_force_next_flush()")
    with sqlkit_server.connect(db, autocommit=True) as conn:
        observations, notes = run_checks(conn, Settings(), [code])
    assert not notes, notes
    return [o.object for o in observations if o.code == code]


@pytest.mark.parametrize("code", LIVE)
@pytest.mark.parametrize("block", ["Example", "Use instead"])
def test_live_rule_example_fires_and_its_fix_does_not(
    sqlkit_server: SqlkitServer, fresh_db: str, code: str, block: str
) -> None:
    rule = load_rules()[code]
    found = _observed(sqlkit_server, fresh_db, _sql_block(rule.section(block)), code)
    if block == "Example":
        assert found, f"{code}: its Example is not reported"
    else:
        assert not found, f"{code}: its Use instead block is reported: {found}"


def test_unused_index_leaves_foreign_key_indexes_and_unread_tables(
    sqlkit_server: SqlkitServer, fresh_db: str
) -> None:
    sql = """
    create table public.parents (id bigint primary key);
    create table public.children (id bigint primary key, parent_id bigint references public.parents, tag text);
    create index children_parent_idx on public.children (parent_id);
    create index children_tag_idx on public.children (tag);
    insert into public.parents select g from pg_catalog.generate_series(1, 1000) g;
    insert into public.children select g, g, 't' from pg_catalog.generate_series(1, 1000) g;
    analyze public.parents, public.children;
    select tag from public.children where id = 42;
    create table public.never_read (id bigint primary key, tag text);
    create index never_read_tag_idx on public.never_read (tag);
    select count(*) from public.never_read;
    """
    assert _observed(sqlkit_server, fresh_db, sql, "SK501") == ["public.children_tag_idx"]


def test_lint_dsn_reports_structure_and_live_only_rules_by_object(
    sqlkit_server: SqlkitServer, fresh_db: str, tmp_path: Path
) -> None:
    with sqlkit_server.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            b"create extension citext with schema extensions version '1.4';"
            b"create table public.users (id bigint primary key);"
            b"alter table public.users enable row level security;"
            b"create table public.posts (id bigint primary key, author bigint references public.users);"
            b"alter table public.posts enable row level security;"
        )
    write(tmp_path / "sqlkit.toml", 'target = "supabase"\n')
    url = sqlkit_server.server.url(fresh_db)
    result = run_cli(["lint", "--dsn", url, "--format", "json", "--fail-on", "never"], tmp_path)
    assert result.returncode == 0, result.stderr
    found = {(f["code"], f["object"]) for f in json.loads(result.stdout)["findings"]}
    assert {("SK214", "public.posts.posts_author_fkey"), ("SK503", "citext")} <= found
    assert all(f["help"] for f in json.loads(result.stdout)["findings"])
    only = run_cli(["lint", "--dsn", url, "--format", "sarif", "--select", "SK5"], tmp_path)
    assert only.returncode == 1, only.stderr
    results = json.loads(only.stdout)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SK503"]
    assert results[0]["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "citext", "name": "citext"}
    ]
