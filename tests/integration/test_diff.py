"""`sqlkit diff` and `sqlkit pull` against real Postgres: drift is reported exactly, nothing more."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sqlkit.api import diff as diff_database
from sqlkit.api import pull as pull_database
from sqlkit.config import load_settings
from sqlkit.live.compare import compare
from sqlkit.live.desired import desired_snapshot
from sqlkit.live.emit import emit_sql
from sqlkit.live.snapshot import Snapshot, take_snapshot
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import run_cli, write

ROOT = Path(__file__).resolve().parent.parent.parent

SUMMARY = "public.get_student_progress_summary(uuid)"
DRIFT = """
-- a changed body (PL/pgSQL)
do $$ begin
  execute replace(pg_catalog.pg_get_functiondef('public.get_student_progress_summary(uuid)'::regprocedure),
                  'order by m.product_id, m.sequence, m.id', 'order by m.sequence, m.id');
end $$;
-- only the search_path changes: set to another path, and removed altogether
alter function public.submit_assessment(uuid, jsonb) set search_path = public;
alter function private.cache_stats() reset search_path;
-- a revoked and an added grant
revoke execute on function public.get_client_dashboard_data(uuid) from authenticated;
grant execute on function public.calculate_product_performance(uuid) to anon;
-- an extra function, and an extra overload of a function git has
create function public.debug_dump() returns integer language sql as 'select 1';
create function public.get_student_progress_summary(p_email text) returns jsonb
  language sql stable set search_path = '' as 'select null::jsonb';
-- a missing policy, a changed policy expression
drop policy students_delete on public.students;
alter policy modules_select on public.modules using (true);
-- a dropped trigger, RLS switched off, an owner and a comment changed
drop trigger students_cache_ins on public.students;
alter table public.lessons disable row level security;
revoke all on table public.lessons from authenticated;
alter function public.complete_job(bigint) owner to anon;
comment on function public.fail_job(bigint, text) is 'retries later';
"""

EXPECTED = [
    ("function", "private.cache_stats()", "changed", ["set search_path"]),
    ("function", "public.calculate_product_performance(uuid)", "changed", ["execute"]),
    ("function", "public.complete_job(bigint)", "changed", ["owner"]),
    ("function", "public.debug_dump()", "extra", []),
    ("function", "public.fail_job(bigint,text)", "changed", ["comment"]),
    ("function", "public.get_client_dashboard_data(uuid)", "changed", ["execute"]),
    ("function", SUMMARY, "changed", ["body"]),
    ("function", "public.get_student_progress_summary(text)", "extra", []),
    ("function", "public.submit_assessment(uuid,jsonb)", "changed", ["set search_path"]),
    ("table", "public.lessons", "changed", ["row level security", "privileges"]),
    ("trigger", "public.students.students_cache_ins", "missing", []),
    ("policy", "public.modules.modules_select", "changed", ["using"]),
    ("policy", "public.students.students_delete", "missing", []),
]


@pytest.fixture(scope="module")
def desired(sqlkit_server: SqlkitServer) -> Snapshot:
    """The catalog as git describes it, built once on the session server."""
    return desired_snapshot(
        load_settings(ROOT), engine_name="dsn", scratch_dsn=sqlkit_server.server.url()
    )


def snapshot(sqlkit_server: SqlkitServer, db: str) -> Snapshot:
    with sqlkit_server.connect(db, autocommit=True) as conn:
        return take_snapshot(conn)


def execute(sqlkit_server: SqlkitServer, db: str, sql: str) -> None:
    with sqlkit_server.connect(db, autocommit=True) as conn:
        conn.execute(sql.encode())


def found(result: object) -> list[tuple[str, str, str, list[str]]]:
    from sqlkit.live.compare import DiffResult

    assert isinstance(result, DiffResult)
    return sorted(
        (d.kind, d.name, d.status, [c.fact for c in d.changes]) for d in result.differences
    )


def test_deployed_catalog_has_no_drift(
    sqlkit_server: SqlkitServer, catalog_db: str, desired: Snapshot
) -> None:
    result = compare(desired, snapshot(sqlkit_server, catalog_db))
    assert found(result) == []
    assert result.compared == {
        "schema": 2,
        "sequence": 3,
        "table": 19,
        "column": 145,
        "constraint": 59,
        "index": 23,
        "function": 37,
        "trigger": 39,
        "policy": 68,
        "default privileges": 3,
    }


def test_drift_is_reported_exactly(
    sqlkit_server: SqlkitServer, catalog_db: str, desired: Snapshot
) -> None:
    execute(sqlkit_server, catalog_db, DRIFT)
    result = compare(desired, snapshot(sqlkit_server, catalog_db))
    assert found(result) == sorted(EXPECTED)
    by_name = {d.name: d for d in result.differences}
    # the body change reads as a unified diff of the definitions
    assert "-             order by m.product_id, m.sequence, m.id)" in by_name[SUMMARY].diff
    assert "+             order by m.sequence, m.id)" in by_name[SUMMARY].diff
    search_path = by_name["public.submit_assessment(uuid,jsonb)"].changes[0]
    assert (search_path.expected, search_path.actual) == ("''", "public")
    assert "+ SET search_path TO 'public'" in by_name["public.submit_assessment(uuid,jsonb)"].diff
    removed = by_name["private.cache_stats()"].changes[0]
    assert (removed.expected, removed.actual) == ("''", "")
    grants = by_name["public.get_client_dashboard_data(uuid)"].changes[0]
    assert "authenticated" in grants.expected and "authenticated" not in grants.actual
    assert by_name["public.get_client_dashboard_data(uuid)"].diff == ""  # nothing to read there


def test_layout_and_comment_only_changes_are_not_drift(
    sqlkit_server: SqlkitServer, catalog_db: str, desired: Snapshot
) -> None:
    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        for name in (
            "public.get_student_progress_summary(uuid)",
            "public.claim_jobs(text,integer)",
        ):
            (definition,) = conn.execute(
                "select pg_catalog.pg_get_functiondef(%s::regprocedure)", [name]
            ).fetchone()  # type: ignore[misc]
            header, _, rest = definition.partition("AS $function$")
            body, _, _ = rest.rpartition("$function$")
            relaid = "\n".join(
                f"  {line.strip()}   -- said differently"
                if line.strip() and "--" not in line
                else line
                for line in body.splitlines()
            )
            relaid = relaid.replace("select ", "SELECT /* upper */ ", 1).replace(
                " from ", "\n\n FROM ", 1
            )
            conn.execute(f"{header}AS $function$\n/* new layout */{relaid}\n$function$".encode())
    assert found(compare(desired, snapshot(sqlkit_server, catalog_db))) == []


def test_emitted_sql_brings_the_database_back(
    sqlkit_server: SqlkitServer, catalog_db: str, desired: Snapshot
) -> None:
    execute(sqlkit_server, catalog_db, DRIFT)
    actual = snapshot(sqlkit_server, catalog_db)
    result = compare(desired, actual)
    kept = emit_sql(result, actual)
    assert "-- not dropped without --allow-drop: drop function public.debug_dump();" in kept
    execute(sqlkit_server, catalog_db, kept)
    assert found(compare(desired, snapshot(sqlkit_server, catalog_db))) == [
        ("function", "public.debug_dump()", "extra", []),
        ("function", "public.get_student_progress_summary(text)", "extra", []),
    ]
    actual = snapshot(sqlkit_server, catalog_db)
    execute(sqlkit_server, catalog_db, emit_sql(compare(desired, actual), actual, allow_drop=True))
    assert found(compare(desired, snapshot(sqlkit_server, catalog_db))) == []


def test_emitted_sql_recreates_missing_objects_with_their_grants(
    sqlkit_server: SqlkitServer, catalog_db: str, desired: Snapshot
) -> None:
    execute(
        sqlkit_server,
        catalog_db,
        "drop function public.get_users_with_auth_details(text, text, uuid, integer, uuid);"
        "drop function public.get_client_dashboard_data(uuid);"
        "create function public.get_client_dashboard_data(p_client_id uuid) returns text "
        "language sql as 'select 1::text';",
    )
    actual = snapshot(sqlkit_server, catalog_db)
    result = compare(desired, actual)
    assert found(result) == [
        ("function", "public.get_client_dashboard_data(uuid)", "changed",
         ["body", "arguments", "returns", "volatility", "set search_path", "execute", "comment"]),
        ("function", "public.get_users_with_auth_details(text,text,uuid,integer,uuid)", "missing", []),
    ]  # fmt: skip
    execute(sqlkit_server, catalog_db, emit_sql(result, actual))
    assert found(compare(desired, snapshot(sqlkit_server, catalog_db))) == []


def test_pull_then_diff_is_clean(
    sqlkit_server: SqlkitServer, catalog_db: str, tmp_path: Path
) -> None:
    project = tmp_path / "adopted"
    shutil.copytree(ROOT / "migrations", project / "migrations")
    write(project / "sqlkit.toml", 'target = "supabase"\nexposed_schemas = ["public"]\n')
    url = sqlkit_server.server.url(catalog_db)
    pulled = pull_database(url, project / "functions", settings=load_settings(project))
    assert pulled.baseline is None  # the tables come from the project's migrations
    written = pulled.files
    folders = {p.parent.name for p in written}
    assert folders == {"01_functions", "02_triggers", "03_policies", "04_access"}
    # one per object; the access rules of each table, schema, sequence and default privileges
    assert len(written) == 37 + 39 + 68 + 19 + 2 + 3 + 3
    summary = (
        project / "functions/01_functions/public.get_student_progress_summary.sql"
    ).read_text()
    assert summary.startswith("-- function public.get_student_progress_summary(uuid)")
    assert (
        "grant execute on function public.get_student_progress_summary(uuid) to authenticated"
        in summary
    )
    result = diff_database(
        url,
        settings=load_settings(project),
        engine="dsn",
        scratch_dsn=sqlkit_server.server.url(),
    )
    assert found(result) == [], [d.to_json() for d in result.differences]
    # pulling again writes the same files; a file edited since is not overwritten silently
    assert (
        pull_database(url, project / "functions", settings=load_settings(project)).files == written
    )
    summary_path = project / "functions/01_functions/public.get_student_progress_summary.sql"
    summary_path.write_text("-- mine\n")
    with pytest.raises(Exception, match="exists with other content"):
        pull_database(url, project / "functions", settings=load_settings(project))
    assert summary_path.read_text() == "-- mine\n"


def test_views_compare_by_definition_options_and_owner(
    sqlkit_server: SqlkitServer, empty_db: tuple[object, str], tmp_path: Path
) -> None:
    project = tmp_path / "views"
    write(project / "sqlkit.toml", 'target = "postgres"\n')
    write(
        project / "migrations/1_items.sql",
        "create table public.items (id int primary key, name text, hidden boolean);\n"
        "create view public.visible_items with (security_invoker = true) as\n"
        "  select i.id, i.name from public.items i where not i.hidden;\n"
        "create materialized view public.item_count as select count(*) as n from public.items;\n",
    )
    _, db = empty_db
    settings = load_settings(project)
    from sqlkit.migrate.apply import apply_files

    with sqlkit_server.connect(db, autocommit=True) as conn:
        apply_files(conn, settings)
    desired_views = desired_snapshot(
        settings, engine_name="dsn", scratch_dsn=sqlkit_server.server.url()
    )
    assert found(compare(desired_views, snapshot(sqlkit_server, db))) == []
    execute(
        sqlkit_server,
        db,
        "create or replace view public.visible_items as"
        "  select i.id, i.name from public.items i where i.hidden is not true;"
        "grant select on public.visible_items to public;"
        "drop materialized view public.item_count;"
        "create materialized view public.item_count as select count(*) + 0 as n from public.items;",
    )
    actual = snapshot(sqlkit_server, db)
    result = compare(desired_views, actual)
    assert found(result) == [
        ("view", "public.item_count", "changed", ["definition"]),
        ("view", "public.visible_items", "changed", ["definition", "options", "privileges"]),
    ]
    execute(sqlkit_server, db, emit_sql(result, actual))
    assert found(compare(desired_views, snapshot(sqlkit_server, db))) == []
    pulled = pull_database(sqlkit_server.server.url(db), project / "functions", settings=settings)
    assert sorted(str(p.relative_to(project / "functions")) for p in pulled.files) == [
        "01_views/public.item_count.sql",
        "01_views/public.visible_items.sql",
        "02_access/public.items.sql",
        "02_access/public.sql",
    ]
    text = (project / "functions/01_views/public.visible_items.sql").read_text()
    assert "create or replace view public.visible_items\n  with (security_invoker=true) as" in text
    again = desired_snapshot(settings, engine_name="dsn", scratch_dsn=sqlkit_server.server.url())
    assert found(compare(again, snapshot(sqlkit_server, db))) == []


def test_cli_diff(sqlkit_server: SqlkitServer, catalog_db: str, tmp_path: Path) -> None:
    url = sqlkit_server.server.url(catalog_db)
    scratch = ["--engine", "dsn", "--scratch-dsn", sqlkit_server.server.url()]
    clean = run_cli(["diff", "--dsn", url], ROOT)  # git's state built in the embedded engine
    assert clean.returncode == 0, clean.stderr
    assert "no drift: 398 object(s) compared" in clean.stdout
    assert "starting the embedded engine" in clean.stderr
    execute(
        sqlkit_server,
        catalog_db,
        "alter function public.submit_assessment(uuid, jsonb) set search_path = public",
    )
    fix = tmp_path / "fix.sql"
    drift = run_cli(
        ["diff", "--dsn", url, *scratch, "--format", "json", "--emit-sql", str(fix)], ROOT
    )
    assert drift.returncode == 1, drift.stderr
    report = json.loads(drift.stdout)
    assert report["summary"]["changed"] == 1
    [difference] = report["differences"]
    assert difference["name"] == "public.submit_assessment(uuid,jsonb)"
    assert difference["changes"] == [
        {"fact": "set search_path", "expected": "''", "actual": "public"}
    ]
    assert "create or replace function public.submit_assessment" in fix.read_text().lower()
    table = run_cli(["diff", "--dsn", url, *scratch], ROOT)
    assert table.returncode == 1
    assert "set search_path: '' → public" in table.stdout
    assert "+ SET search_path TO 'public'" in table.stdout
    assert "Traceback" not in table.stderr


def test_cli_diff_and_pull_bad_input(sqlkit_server: SqlkitServer, tmp_path: Path) -> None:
    secret = "postgresql://u:hunter2@127.0.0.1:1/x"
    for args in (["diff", "--dsn", secret], ["pull", "--dsn", secret, "--into", str(tmp_path)]):
        result = run_cli(args, ROOT)
        assert result.returncode == 2, result.stderr
        assert "hunter2" not in result.stderr + result.stdout
        assert "error: cannot connect" in result.stderr and "Traceback" not in result.stderr
    bad = run_cli(["diff", "--dsn", sqlkit_server.server.url(), "--format", "yaml"], ROOT)
    assert bad.returncode == 2 and "unknown format" in bad.stderr
    broken = tmp_path / "broken"
    write(broken / "sqlkit.toml", 'target = "postgres"\n')
    write(broken / "migrations/1_x.sql", "create table t (id int);\nselect no_such_function();\n")
    scratch = ["--engine", "dsn", "--scratch-dsn", sqlkit_server.server.url()]
    failed = run_cli(["diff", "--dsn", sqlkit_server.server.url(), *scratch], broken)
    assert failed.returncode == 2  # the project cannot be built: not drift
    assert (
        "error: migrations/1_x.sql:2: function no_such_function() does not exist" in failed.stderr
    )
    assert "git's state cannot be built" in failed.stderr and "Traceback" not in failed.stderr
    as_json = run_cli(
        ["diff", "--dsn", sqlkit_server.server.url(), *scratch, "--format", "json"], broken
    )
    assert as_json.returncode == 2 and as_json.stdout == ""
    (tmp_path / "file").write_text("x")
    into_file = run_cli(
        ["pull", "--dsn", sqlkit_server.server.url(), "--into", str(tmp_path / "file")], ROOT
    )
    assert into_file.returncode == 2 and "is a file" in into_file.stderr


def test_schema_option_limits_the_comparison(sqlkit_server: SqlkitServer, catalog_db: str) -> None:
    with sqlkit_server.connect(catalog_db, autocommit=True) as conn:
        conn.execute("alter function private.cache_stats() reset search_path")
        private = take_snapshot(conn, ["private"])
    assert {o.schema for o in private.objects.values()} == {"private"}
    result = diff_database(
        sqlkit_server.server.url(catalog_db),
        settings=load_settings(ROOT),
        schemas=["public"],
        engine="dsn",
        scratch_dsn=sqlkit_server.server.url(),
    )
    assert found(result) == []


def test_an_older_server_compares_cleanly_with_git_built_on_the_embedded_one(
    desired: Snapshot,
) -> None:
    """A Supabase on PostgreSQL 15 against git's state built on 18: deparsing and privileges
    that differ between versions (MAINTAIN) are not drift."""
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database
    from sqlkit.engines.local import system_bindir
    from sqlkit.engines.shim import install_shim
    from sqlkit.migrate.apply import apply_files

    if system_bindir() is None:
        pytest.skip("no system PostgreSQL here")
    settings = load_settings(ROOT)
    with resolve(settings, "local").running() as server:
        create_database(server, "live")
        with server.connect("live") as conn:
            install_shim(conn, settings.target, settings.exposed_schemas)
            apply_files(conn, settings)
            live = take_snapshot(conn)
    assert found(compare(desired, live)) == []
    assert sum(compare(desired, live).compared.values()) == 398


def test_pull_into_a_project_without_migrations_writes_a_baseline(
    sqlkit_server: SqlkitServer, catalog_db: str, tmp_path: Path
) -> None:
    """Tables, their constraints and indexes, schemas, sequences and default privileges
    become one baseline migration; functions, triggers, policies repeatable files; and
    `diff` of the pulled project against the database is clean."""
    project = tmp_path / "adopted"
    write(project / "sqlkit.toml", 'target = "supabase"\nexposed_schemas = ["public"]\n')
    settings = load_settings(project)
    url = sqlkit_server.server.url(catalog_db)
    pulled = pull_database(url, project / "functions", settings=settings)
    assert pulled.baseline is not None and pulled.baseline.parent == project / "migrations"
    baseline = pulled.baseline.read_text()
    assert "create table public.students (" in baseline
    assert (
        "alter table public.assessment_module_questions add constraint "
        "assessment_module_questions_question_id_fkey FOREIGN KEY (question_id) "
        "REFERENCES public.assessment_questions(id) ON DELETE CASCADE;" in baseline
    )
    assert "CREATE INDEX " in baseline and "enable row level security" in baseline
    assert {p.parent.name for p in pulled.files} == {"01_functions", "02_triggers", "03_policies"}
    result = diff_database(
        url, settings=settings, engine="dsn", scratch_dsn=sqlkit_server.server.url()
    )
    assert found(result) == [], [d.to_json() for d in result.differences]
    again = pull_database(url, project / "functions", settings=settings)
    assert again.baseline == pulled.baseline and again.files == pulled.files


def test_pull_writes_what_is_needed_first(
    sqlkit_server: SqlkitServer, empty_db: tuple[object, str], tmp_path: Path
) -> None:
    """A view calling a function comes after it, a function returning the view's rows after
    the view: numbered folders in dependency order, applied in path order."""
    _, db = empty_db
    execute(
        sqlkit_server,
        db,
        "create function public.one() returns int language sql as 'select 1';"
        "create view public.v as select public.one() as n;"
        "create function public.all_v() returns setof public.v language sql as 'select * from public.v';"
        "create view public.w as select n from public.v;",
    )
    project = tmp_path / "ordered"
    write(project / "sqlkit.toml", 'target = "postgres"\n')
    settings = load_settings(project)
    url = sqlkit_server.server.url(db)
    pulled = pull_database(url, project / "functions", settings=settings)
    assert sorted(str(p.relative_to(project / "functions")) for p in pulled.files) == [
        "01_functions/public.one.sql",
        "02_views/public.v.sql",
        "03_functions/public.all_v.sql",
        "04_views/public.w.sql",
    ]
    result = diff_database(
        url, settings=settings, engine="dsn", scratch_dsn=sqlkit_server.server.url()
    )
    assert found(result) == []
