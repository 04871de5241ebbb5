"""Mistakes, faults and hostile input, met as a user meets them: the real CLI in a subprocess,
against a real Postgres. Each test is a defect that once happened (see docs/reliability.md)."""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from sqlkit.engines.base import Server
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import SQLKIT, run_cli, write


def _one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The result is a failure with exactly one line on stderr and no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("· ")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return lines[0]


def _scalar(server: Server, db: str, query: str) -> object:
    with server.connect(db) as conn:
        row = conn.execute(query).fetchone()
        return row[0] if row else None


# --- data integrity -------------------------------------------------------------------
def test_renamed_migration_is_never_applied_again(empty_db, project: Path) -> None:
    server, db = empty_db
    dsn = server.url(db)
    write(
        project / "migrations" / "1_init.sql",
        "create table public.acct (balance int);\ninsert into public.acct values (100);",
    )
    double = write(
        project / "migrations" / "2_double.sql", "update public.acct set balance = balance * 2;"
    )
    assert run_cli(["apply", "--dsn", dsn], project).returncode == 0
    double.rename(project / "migrations" / "02_double.sql")
    refused = run_cli(["apply", "--dsn", dsn], project)
    line = _one_line_error(refused, 1)
    assert "migrations/02_double.sql was applied as 2_double" in line and "sqlkit repair" in line
    assert _scalar(server, db, "select balance from public.acct") == 200
    dry = run_cli(["apply", "--dsn", dsn, "--dry-run"], project)
    assert dry.returncode == 1 and "was applied as 2_double" in dry.stderr
    status = run_cli(["status", "--dsn", dsn, "--format", "json"], project)
    assert status.returncode == 1
    assert {r["name"]: r["state"] for r in json.loads(status.stdout)} == {
        "init": "applied",
        "double": "renamed",
    }
    repaired = run_cli(["repair", "--dsn", dsn], project)
    assert "recorded as the new name of 2_double" in repaired.stdout
    again = run_cli(["apply", "--dsn", dsn], project)
    assert again.returncode == 0 and "up to date" in again.stdout
    assert _scalar(server, db, "select balance from public.acct") == 200


def test_lint_and_apply_agree_on_versions(empty_db, project: Path) -> None:
    """One discovery: a Flyway-style name is a migration for both, in version order."""
    server, db = empty_db
    write(project / "migrations" / "V10__later.sql", "create table public.later (id int);")
    write(project / "migrations" / "V9__first.sql", "create table public.first (id int);")
    applied = run_cli(["apply", "--dsn", server.url(db)], project)
    assert applied.returncode == 0, applied.stderr
    order = [line.split()[1] for line in applied.stdout.splitlines() if line.startswith("applied ")]
    assert order[:2] == ["migrations/V9__first.sql", "migrations/V10__later.sql"]
    from sqlkit.config import load_settings
    from sqlkit.files import ordered

    paths = ["migrations/V10__later.sql", "migrations/V9__first.sql"]
    assert ordered(paths, load_settings(project)) == order[:2]


def test_each_file_starts_with_a_fresh_session(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_a.sql",
        "create schema app;\nset search_path = app;\ncreate role hardening_owner;\n"
        "grant create on schema public to hardening_owner;\nset role hardening_owner;\n"
        "create temp table scratch (id int);",
    )
    write(project / "migrations" / "2_b.sql", "create table t (id int);")
    result = run_cli(["apply", "--dsn", server.url(db)], project)
    assert result.returncode == 0, result.stderr
    assert (
        _scalar(
            server,
            db,
            "select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = 't'",
        )
        == "public"
    )
    # the history was written by the connecting role, not the one the file switched to
    assert _scalar(server, db, "select count(distinct applied_by) from sqlkit.schema_history") == 1
    assert (
        _scalar(server, db, "select pg_get_userbyid(relowner) from pg_class where relname = 't'")
        != "hardening_owner"
    )
    with server.connect(db) as conn:
        conn.execute("drop schema app cascade; revoke create on schema public from hardening_owner")
        conn.execute("drop role hardening_owner")


def test_interrupted_apply_says_what_it_kept(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "1_ok.sql", "create table public.ok (id int);")
    write(
        project / "migrations" / "2_slow.sql",
        "create table public.slow (id int);\nselect pg_sleep(30);",
    )
    proc = subprocess.Popen(
        [*SQLKIT, "apply", "--dsn", server.url(db)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with server.connect(db) as conn:
            if conn.execute(
                "select 1 from pg_stat_activity where query like '%%pg_sleep(30)%%' and pid <> pg_backend_pid()"
            ).fetchone():
                break
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "applied migrations/1_ok.sql" in out
    assert err.strip().splitlines()[-1] == (
        "interrupted: applied migrations/1_ok.sql; nothing of migrations/2_slow.sql was kept"
    )
    assert _scalar(server, db, "select to_regclass('public.slow')") is None


# --- security --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://postgres:s3cret PW@127.0.0.1:1/db",
        "postgresql://postgres:s3cret@PW/x@127.0.0.1:1/db",
        "postgresql://postgres:s3cret@127.0.0.1:notaport/db",
        "host=127.0.0.1 port=x password=s3cret",
        "host=a,b port=1,2,3 password=s3cret",
        "user=u password='s3cret",
        "mysql://u:s3cret@h/db",
        "postgres//u:s3cret@host/db",  # `://` mistyped: still a URL's user and password
    ],
)
def test_bad_dsns_are_one_line_and_never_show_the_password(project: Path, dsn: str) -> None:
    for command in (["status"], ["diff"], ["lint"]):
        result = run_cli([*command, "--dsn", dsn], project)
        line = _one_line_error(result)
        assert "s3cret" not in result.stdout + result.stderr, line
        assert "DSN" in line or "port" in line


# --- crashes on a user's mistake ---------------------------------------------------------
def test_non_utf8_migration_is_one_line(empty_db, project: Path) -> None:
    server, db = empty_db
    (project / "migrations" / "1_bad.sql").write_bytes(b"select 1;\n-- caf\xe9\n" + b"x" * 200_000)
    for command in (["apply"], ["status"]):
        result = run_cli([*command, "--dsn", server.url(db)], project)
        line = _one_line_error(result)
        assert "migrations/1_bad.sql: not valid UTF-8 (byte 16 is 0xe9)" in line
        assert len(result.stderr) < 400


def test_a_role_without_privileges_gets_the_grant_that_fixes_it(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    assert run_cli(["apply", "--dsn", server.url(db)], project).returncode == 0
    with server.connect(db) as conn:
        conn.execute("create role hardening_reader login")
    try:
        weak = Server(host=server.host, port=server.port, user="hardening_reader", dbname=db)
        for command in (["status"], ["apply"], ["repair"]):
            line = _one_line_error(run_cli([*command, "--dsn", weak.url(db)], project))
            assert "permission denied for schema sqlkit" in line
            assert "GRANT USAGE, CREATE ON SCHEMA sqlkit TO hardening_reader" in line
        # diff and pull read only the catalog: a read-only role may use them
        pulled = run_cli(["pull", "--dsn", weak.url(db), "--into", "pulled"], project)
        assert pulled.returncode == 0, pulled.stderr
    finally:
        with server.connect(db) as conn:
            conn.execute("drop role hardening_reader")


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e12"])
def test_lock_timeout_out_of_range_is_a_usage_error(project: Path, value: str) -> None:
    line = _one_line_error(
        run_cli(
            ["apply", "--dsn", "postgresql://u@127.0.0.1:1/x", "--lock-timeout", value], project
        )
    )
    assert "--lock-timeout" in line


def test_tiny_lock_timeout_never_becomes_wait_forever() -> None:
    from sqlkit.config import timeout_seconds

    assert timeout_seconds(0.0001, "x") == 0.001
    assert timeout_seconds(0, "x") == 0


def test_unwritable_output_paths_are_one_line(tmp_path: Path, project: Path) -> None:
    write(project / "ok.sql", "select 1;")
    line = _one_line_error(
        run_cli(["lint", "-o", "/nonexistent/dir/x.sarif", "--format", "sarif", "ok.sql"], project)
    )
    assert "/nonexistent/dir" in line
    line = _one_line_error(run_cli(["verify", "--junit", "/nonexistent/d/j.xml"], project))
    assert "--junit" in line
    line = _one_line_error(run_cli(["init", "/proc/nope"], tmp_path))
    assert "/proc/nope" in line


def test_verify_times_out_a_test_and_reports_it(
    sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(demo / "tests" / "sql" / "sleepy_test.sql", "select pg_sleep(600);\n")
    # resetting statement_timeout does not escape: the wall-clock guard cancels it
    write(
        demo / "tests" / "sql" / "sly_test.sql",
        "set statement_timeout = 0;\nselect pg_sleep(600);\n",
    )
    started = time.monotonic()
    result = run_cli(
        [
            "verify",
            "--engine",
            "dsn",
            "--dsn",
            sqlkit_server.server.url("postgres"),
            "--test-timeout",
            "1",
            "--junit",
            "j.xml",
        ],
        demo,
    )
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert "tests/sql/sleepy_test.sql:1: timed out after 1s" in result.stdout
    assert "tests/sql/sly_test.sql:2: timed out after 1s" in result.stdout
    failures = ET.parse(demo / "j.xml").getroot().iter("failure")
    assert sorted(f.get("type") for f in failures) == ["Timeout", "Timeout"]


def test_killed_verify_leaves_no_server_and_no_directory(tmp_path: Path, server_root: Path) -> None:
    root = server_root
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(demo / "tests" / "sql" / "slow_test.sql", "select pg_sleep(60);\n")
    env = {**os.environ, "SQLKIT_TMPDIR": str(root)}
    proc = subprocess.Popen(
        [*SQLKIT, "verify"],
        cwd=demo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    dirs: list[str] = []
    while time.monotonic() < deadline and not dirs:
        dirs = [
            d
            for d in glob.glob(str(root / "sqlkit-pg-*"))
            if os.path.exists(f"{d}/data/postmaster.pid")
        ]
        time.sleep(0.05)
    assert dirs, "verify never started a server"
    pid = int(Path(dirs[0], "data", "postmaster.pid").read_text().split()[0])
    time.sleep(1.0)  # into the slow test: a busy session that a smart shutdown would wait for
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (os.path.exists(dirs[0]) or _alive(pid)):
        time.sleep(0.05)
    assert not _alive(pid), "the server outlived a SIGKILLed sqlkit"
    assert not os.path.exists(dirs[0]), "its directory was left behind"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead: its parent (pytest's child, the killed sqlkit) is gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def test_scratch_databases_of_a_killed_dsn_run_are_swept(sqlkit_server: SqlkitServer) -> None:
    from sqlkit.engines.base import SCRATCH_MARKER, sweep_scratch_databases

    server = sqlkit_server.server
    dead = subprocess.Popen(["true"])
    dead.wait()
    import socket

    with server.connect() as conn:
        conn.execute("create database sqlkit_verify_dead0001")
        conn.execute(
            f"comment on database sqlkit_verify_dead0001 is '{SCRATCH_MARKER}: host={socket.gethostname()} "
            f"pid={dead.pid} created={int(time.time())}'"
        )
        conn.execute("create database sqlkit_verify_notours01")  # no marker: never touched
        conn.execute("create database sqlkit_verify_alive0001")
        conn.execute(
            f"comment on database sqlkit_verify_alive0001 is '{SCRATCH_MARKER}: host={socket.gethostname()} "
            f"pid={os.getpid()} created={int(time.time())}'"
        )
    try:
        assert sweep_scratch_databases(server) == ["sqlkit_verify_dead0001"]
    finally:
        with server.connect() as conn:
            for name in (
                "sqlkit_verify_dead0001",
                "sqlkit_verify_notours01",
                "sqlkit_verify_alive0001",
            ):
                conn.execute(f"drop database if exists {name}")


# --- what a new user meets -----------------------------------------------------------------
def test_supabase_layout_is_found_without_configuration(tmp_path: Path) -> None:
    write(tmp_path / "supabase" / "config.toml", 'project_id = "demo"\n')
    write(
        tmp_path / "supabase" / "migrations" / "20240101000000_init.sql",
        "create table public.t (id int primary key);",
    )
    nested = tmp_path / "supabase" / "functions"
    nested.mkdir()
    result = run_cli(["lint", "--format", "json"], nested)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert found["summary"]["files"] == 1
    assert {f["code"] for f in found["findings"]} == {"SK201"}
    from sqlkit.config import load_settings

    settings = load_settings(nested)
    assert settings.root == tmp_path and settings.target == "supabase"
    assert settings.migrations == "supabase/migrations"


@pytest.mark.parametrize(
    ("config", "key"),
    [('migrations = "supabase/migration"', "migrations"), ('tests = "nope"', "tests")],
)
def test_a_configured_folder_that_does_not_exist_is_an_error(
    sqlkit_server: SqlkitServer, tmp_path: Path, config: str, key: str
) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    (demo / "sqlkit.toml").write_text(f'target = "supabase"\n{config}\n')
    url = sqlkit_server.server.url("postgres")
    for command in (["verify", "--engine", "dsn", "--dsn", url], ["status", "--dsn", url]):
        if key == "tests" and command[0] == "status":
            continue
        line = _one_line_error(run_cli(command, demo))
        assert f"`{key}`" in line and "not a folder" in line


def test_verify_and_diff_outside_a_project_are_an_error(
    sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    """From a folder with no project, verify would pass on nothing and diff would call every
    object of the database extra: exit 2, one line, like lint."""
    url = sqlkit_server.server.url("postgres")
    for command in (["verify"], ["diff", "--dsn", url]):
        result = run_cli(command, tmp_path)
        line = _one_line_error(result)
        assert result.returncode == 2 and "no project in" in line, line


def test_diff_usage_and_build_errors_exit_2(
    catalog_db: str, sqlkit_server: SqlkitServer, root: Path, tmp_path: Path
) -> None:
    url = sqlkit_server.server.url(catalog_db)
    line = _one_line_error(
        run_cli(["diff", "--dsn", url, "--schema", "nosuch", "--format", "json"], root)
    )
    assert "nosuch" in line
    write(tmp_path / "sqlkit.toml", 'target = "supabase"\n')
    write(
        tmp_path / "migrations" / "1_broken.sql",
        "create table public.x (id int);\nselect * from public.nope;",
    )
    line = _one_line_error(run_cli(["diff", "--dsn", url, "--format", "json"], tmp_path))
    assert "migrations/1_broken.sql:2" in line


def test_usage_errors_are_one_line(project: Path) -> None:
    line = _one_line_error(run_cli(["lint", "--frobnicate"], project))
    assert line.startswith("error: No such option: --frobnicate") and "sqlkit lint --help" in line
    _one_line_error(run_cli(["new"], project))
    (project / "empty").mkdir()
    for command, expected in (
        (["verify", "--jobs", "0"], "--jobs 0: give 1 or more"),
        (["verify", "--config", str(project)], "is a folder"),
        (["lint", "empty"], "nothing to lint: no .sql or .sql.j2 file in empty"),
    ):
        line = _one_line_error(run_cli(command, project))
        assert expected in line, line
    for command in ("diff", "status", "apply", "pull", "verify", "new", "render", "rules"):
        result = run_cli([command, "--verbose", "--help"], project)
        assert result.returncode == 0 and "--verbose" in result.stdout, command


def test_help_keeps_brackets_and_piped_output_does_not_wrap(project: Path) -> None:
    result = subprocess.run([*SQLKIT, "new", "--help"], cwd=project, capture_output=True, text=True)
    assert "key=[a, b]" in result.stdout
    long_name = "a_really_long_table_name_" * 6
    write(
        project / "migrations" / "1_t.sql",
        f"create table public.{long_name} (id int);\ngrant select on public.{long_name} to web_anon;",
    )
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    result = subprocess.run(
        [*SQLKIT, "lint", "migrations"], cwd=project, capture_output=True, text=True, env=env
    )
    assert any(long_name in line for line in result.stdout.splitlines())


def test_ctrl_c_during_import_is_not_a_traceback(project: Path) -> None:
    # a deterministic Ctrl-C while Python imports the CLI
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from sqlkit.cli import app\n"  # what the console script does
        "app()\n"
    )
    result = subprocess.run([SQLKIT[0], "-c", code], cwd=project, capture_output=True, text=True)
    assert result.returncode == 130 and result.stderr == "interrupted\n"
