"""`sqlkit lint --dsn`: the same rules on a live database, findings named schema.object."""

from __future__ import annotations

import json
from pathlib import Path

from sqlkit.api import lint_database
from sqlkit.config import load_settings
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent.parent

DRIFT = """
create function public.leak(p_student_id uuid) returns text language sql security definer
as $$ select u.email from auth.users u where u.id = p_student_id $$;
create table public.open_notes (id int);
create policy slow on public.students for select to authenticated using (auth.uid() = id);
create view public.emails as select u.email from auth.users u;
"""


def _lint(sqlkit_server: SqlkitServer, db: str) -> list[tuple[str, str]]:
    result = lint_database(sqlkit_server.server.url(db), settings=load_settings(ROOT))
    return sorted((f.path, f.code) for f in result.findings)


def test_catalog_database_lints_like_its_files(
    sqlkit_server: SqlkitServer, catalog_db: str
) -> None:
    result = lint_database(sqlkit_server.server.url(catalog_db), settings=load_settings(ROOT))
    assert [(f.path, f.code) for f in result.findings] == []
    assert result.summary.statements > 100  # functions, tables, policies and views were read


def test_objects_added_by_hand_are_reported_by_schema_object(
    sqlkit_server: SqlkitServer, catalog_db: str
) -> None:
    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        conn.execute(DRIFT.encode())
    assert _lint(sqlkit_server, catalog_db) == [
        ("public.emails", "SK209"),
        ("public.emails", "SK210"),
        ("public.leak(uuid)", "SK101"),
        ("public.leak(uuid)", "SK104"),
        ("public.leak(uuid)", "SK109"),
        ("public.leak(uuid)", "SK110"),
        ("public.open_notes", "SK201"),
        ("public.open_notes", "SK215"),  # no primary key: the database's own check
        ("public.students.slow", "SK204"),
        ("public.students.students_select", "SK206"),
    ]


def test_actual_privileges_decide_not_replayed_ones(
    sqlkit_server: SqlkitServer, catalog_db: str
) -> None:
    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        conn.execute(DRIFT.encode())
        conn.execute(
            "revoke execute on function public.leak(uuid) from public, anon, authenticated"
        )
    codes = {code for path, code in _lint(sqlkit_server, catalog_db) if path == "public.leak(uuid)"}
    assert "SK104" not in codes and "SK110" not in codes


def test_cli_lint_dsn(sqlkit_server: SqlkitServer, catalog_db: str, tmp_path: Path) -> None:
    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        conn.execute("create table public.open_notes (id int)")
    url = sqlkit_server.server.url(catalog_db)
    result = run_cli(["lint", "--dsn", url, "--format", "json"], ROOT)
    assert result.returncode == 1, result.stderr
    assert [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]] == [
        ("public.open_notes", "SK201"),
        ("public.open_notes", "SK215"),
    ]
    both = run_cli(["lint", "--dsn", url, "migrations"], ROOT)
    assert both.returncode == 2 and "either paths or --dsn" in both.stderr
    bad = run_cli(["lint", "--dsn", "postgresql://u:hunter2@127.0.0.1:1/x"], tmp_path)
    assert bad.returncode == 2 and "hunter2" not in bad.stderr + bad.stdout


def test_an_extensions_objects_are_nobodys_drift_and_nobodys_findings(
    sqlkit_server: SqlkitServer, catalog_db: str
) -> None:
    """One reader decides what is yours, for `lint --dsn` and `diff` alike: a view an
    extension created in an exposed schema is neither linted (SK209) nor compared."""
    from sqlkit.live.snapshot import take_snapshot

    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        conn.execute("create extension pg_buffercache with schema public")
        objects = take_snapshot(conn).objects
    # the extension is compared (its version), what it created is not
    assert [key for key in objects if "pg_buffercache" in key[1]] == [
        ("extension", "pg_buffercache")
    ]
    # the extension itself is the one finding: created in public (SK217), not its view
    assert _lint(sqlkit_server, catalog_db) == [("pg_buffercache", "SK217")]
