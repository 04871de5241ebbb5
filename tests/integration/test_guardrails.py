"""apply's guard rails (lock_timeout / statement_timeout per run and per file, retry of a file
that gave up waiting for a lock) and `sqlkit baseline`, through the real CLI against a real
Postgres; a lock is held from another connection, as production traffic would."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from sqlkit.engines.base import Server
from sqlkit.errors import InputError
from sqlkit.files import file_timeouts
from tests.integration.conftest import SQLKIT, run_cli, write


def _one_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _rows(server: Server, db: str, query: str) -> list[tuple]:
    with server.connect(db) as conn:
        return conn.execute(query).fetchall()


# --- timeouts ---------------------------------------------------------------------------
def test_timeouts_are_set_for_each_file_after_its_session_reset(empty_db, project: Path) -> None:
    server, db = empty_db
    (project / "sqlkit.toml").write_text('target = "postgres"\nstatement_timeout = "1min"\n')
    # a file that changes the session's timeouts must not change the next file's
    write(
        project / "migrations" / "1_sly.sql",
        "set lock_timeout = '9s';\nset statement_timeout = '9s';\n"
        "create table public.seen (file text, lock_timeout text, statement_timeout text);",
    )
    write(
        project / "migrations" / "2_own.sql",
        "-- a migration that knows its table is busy\n-- sqlkit: lock-timeout=250ms\n\n"
        "insert into public.seen select '2', current_setting('lock_timeout'), "
        "current_setting('statement_timeout');",
    )
    write(
        project / "migrations" / "3_run.sql",
        "insert into public.seen select '3', current_setting('lock_timeout'), "
        "current_setting('statement_timeout');",
    )
    result = run_cli(["apply", "--dsn", server.url(db), "--statement-lock-timeout", "3s"], project)
    assert result.returncode == 0, result.stderr
    assert _rows(server, db, "select * from public.seen order by file") == [
        ("2", "250ms", "1min"),  # the directive wins over the run's value
        ("3", "3s", "1min"),  # the flag and the config key, never the previous file's SET
    ]


def test_statement_timeout_directive_stops_a_slow_file(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_slow.sql",
        "-- sqlkit: statement-timeout=200ms\ncreate table public.slow (id int);\n"
        "select pg_sleep(30);\n",
    )
    line = _one_line(run_cli(["apply", "--dsn", server.url(db)], project), 1)
    assert line.startswith(
        "error: migrations/1_slow.sql:3: canceling statement due to statement timeout "
        "(SQLSTATE 57014)"
    ), line
    assert _rows(server, db, "select to_regclass('public.slow')") == [(None,)]


def test_a_file_that_gives_up_on_a_lock_rolls_back_and_is_retried(empty_db, project: Path) -> None:
    server, db = empty_db
    with server.connect(db) as conn:
        conn.execute("create table public.busy (id int)")
    write(
        project / "migrations" / "1_note.sql",
        "-- sqlkit: lock-timeout=500ms\ncreate table public.first_part (id int);\n"
        "alter table public.busy add column note text;\n",
    )
    with server.connect(db, autocommit=False) as holder:  # production traffic, holding a lock
        holder.execute("lock table public.busy in access share mode")
        # without retries: it gives up, nothing of the file is kept, and says how to retry
        line = _one_line(run_cli(["apply", "--dsn", server.url(db)], project), 1)
        assert "migrations/1_note.sql:3: canceling statement due to lock timeout" in line
        assert "(SQLSTATE 55P03)" in line and "--lock-retries" in line
        assert _rows(server, db, "select to_regclass('public.first_part')") == [(None,)]
        # with retries: release the lock while apply waits to retry, and the retry succeeds
        retrying = ["--lock-retries", "3", "--lock-retry-delay", "0.5s"]
        proc = subprocess.Popen(
            [*SQLKIT, "apply", "--dsn", server.url(db), *retrying],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert "migrations/1_note.sql: gave up waiting for a lock; retry 1 of 3" in first, first
        holder.commit()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "applied migrations/1_note.sql" in out
    assert _rows(
        server,
        db,
        "select count(*) from information_schema.columns "
        "where table_name = 'busy' and column_name = 'note'",
    ) == [(1,)]
    # one attempt failed for good (the first run); the retried ones left no failed rows
    assert _rows(server, db, "select success from sqlkit.schema_history order by id") == [
        (False,),
        (True,),
    ]


def test_retries_are_bounded(empty_db, project: Path) -> None:
    server, db = empty_db
    with server.connect(db) as conn:
        conn.execute("create table public.busy (id int)")
    write(
        project / "migrations" / "1_note.sql",
        "-- sqlkit: lock-timeout=100ms\nalter table public.busy add column note text;\n",
    )
    with server.connect(db, autocommit=False) as holder:
        holder.execute("lock table public.busy in access share mode")
        result = run_cli(
            ["apply", "--dsn", server.url(db), "--lock-retries", "2", "--lock-retry-delay", "10ms"],
            project,
        )
    assert result.returncode == 1
    assert result.stderr.count("gave up waiting for a lock; retry") == 2
    assert "it gave up waiting for a lock 3 times" in result.stderr.splitlines()[-1]


def test_bad_guard_rail_values_are_one_line(project: Path) -> None:
    dsn = "postgresql://u@127.0.0.1:1/x"
    line = _one_line(run_cli(["apply", "--dsn", dsn, "--statement-timeout", "soon"], project), 2)
    assert "--statement-timeout must be a duration such as 5s" in line, line
    # a file's directive is checked before connecting: a typo never reaches production
    write(project / "migrations" / "1_a.sql", "-- sqlkit: lock-timeout=5\nselect 1;\n")
    line = _one_line(run_cli(["apply", "--dsn", dsn], project), 2)
    assert "migrations/1_a.sql:1: `lock-timeout` needs a unit" in line, line


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("-- sqlkit: lock_timeout=5s\n", "f.sql:1: unknown directive `sqlkit: lock_timeout=`"),
        (
            "select 1;\n-- sqlkit: statement-timeout=5s\n",
            "f.sql:2: `sqlkit: statement-timeout` must be in the file's header",
        ),
        (
            "-- sqlkit: lock-timeout=1s\n-- sqlkit: lock-timeout=2s\n",
            "f.sql:2: `sqlkit: lock-timeout` is given twice",
        ),
        ("-- sqlkit: statement-timeout=soon\n", "f.sql:1: `statement-timeout` must be a duration"),
    ],
)
def test_bad_directives(text: str, needle: str) -> None:
    with pytest.raises(InputError) as info:
        file_timeouts(text, "f.sql")
    assert needle in str(info.value)


def test_directives_in_the_header() -> None:
    text = "-- sqlkit: no-transaction\n-- sqlkit: lock-timeout=500ms\n\n-- why: a busy table\n"
    text += "-- sqlkit: statement-timeout = 2min\ncreate index concurrently i on t (id);\n"
    assert file_timeouts(text, "f.sql") == {"lock-timeout": 0.5, "statement-timeout": 120.0}


# --- baseline ------------------------------------------------------------------------------
def test_baseline_records_versions_without_running_them(empty_db, project: Path) -> None:
    server, db = empty_db
    with server.connect(db) as conn:  # a database someone built by hand, long ago
        conn.execute("create table public.a (id int); create table public.b (id int)")
    one = write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    write(project / "migrations" / "02_b.sql", "create table public.b (id int);")
    write(project / "migrations" / "3_c.sql", "create table public.c (id int);")
    url = server.url(db)
    line = _one_line(run_cli(["baseline", "--dsn", url, "--version", "9"], project), 2)
    assert "--version 9: no migration has that version" in line
    result = run_cli(["baseline", "--dsn", url, "--version", "2"], project)
    assert result.returncode == 0, result.stderr
    assert "recorded migrations/1_a.sql as applied" in result.stdout
    assert "recorded migrations/02_b.sql as applied" in result.stdout
    assert "3_c" not in result.stdout
    history = _rows(
        server,
        db,
        "select version, name, checksum, execution_ms, success, baselined "
        "from sqlkit.schema_history order by id",
    )
    assert history[0] == (
        "1",
        "a",
        hashlib.sha256(one.read_bytes()).hexdigest(),
        0,
        True,
        True,
    )
    assert [row[:2] for row in history] == [("1", "a"), ("02", "b")]
    status = run_cli(["status", "--dsn", url, "--format", "json"], project)
    rows = {row["name"]: (row["state"], row["baselined"]) for row in json.loads(status.stdout)}
    assert rows == {"a": ("applied", True), "b": ("applied", True), "c": ("pending", False)}
    again = run_cli(["baseline", "--dsn", url, "--version", "2"], project)
    assert "nothing to record" in again.stdout and "already in the history" in again.stdout
    # apply runs only what is really pending (1 and 2 would fail: their tables exist)
    applied = run_cli(["apply", "--dsn", url], project)
    assert applied.returncode == 0, applied.stderr
    assert "applied migrations/3_c.sql" in applied.stdout
    assert "1_a.sql" not in applied.stdout and "02_b.sql" not in applied.stdout


def test_baseline_brings_an_old_history_table_forward(empty_db, project: Path) -> None:
    server, db = empty_db
    with server.connect(db) as conn:  # the history table as sqlkit 0.1 made it
        conn.execute(
            "create schema sqlkit; create table sqlkit.schema_history (id bigint generated "
            "always as identity primary key, version text, kind text not null, name text not "
            "null, checksum text not null, applied_by text not null default current_user, "
            "applied_at timestamptz not null default now(), execution_ms integer not null, "
            "success boolean not null)"
        )
    write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    write(project / "migrations" / "2_b.sql", "create table public.b (id int);")
    url = server.url(db)
    assert run_cli(["apply", "--dsn", url], project).returncode == 0  # the old shape works
    write(project / "migrations" / "3_c.sql", "create table public.c (id int);")
    status = run_cli(["status", "--dsn", url, "--format", "json"], project)
    assert [row["baselined"] for row in json.loads(status.stdout)] == [False, False, False]
    result = run_cli(["baseline", "--dsn", url, "--version", "3"], project)
    assert result.returncode == 0, result.stderr
    assert "sqlkit.schema_history: added column baselined" in result.stdout
    assert _rows(
        server, db, "select version, baselined from sqlkit.schema_history order by id"
    ) == [("1", False), ("2", False), ("3", True)]
    assert _rows(server, db, "select to_regclass('public.c')") == [(None,)]


def test_baseline_from_a_supabase_cli_history(empty_db, tmp_path: Path) -> None:
    server, db = empty_db
    with server.connect(db) as conn:  # what `supabase db push` leaves behind
        conn.execute(
            "create schema supabase_migrations; create table supabase_migrations."
            "schema_migrations (version text not null primary key, statements text[], name text);"
            "insert into supabase_migrations.schema_migrations values "
            "('20240101000000', array['create table public.one (id int)'], 'one'), "
            "('20240102000000', array['create table public.two (id int)'], 'two'), "
            "('20240103000000', array['select 1'], 'squashed_away');"
            "create table public.one (id int); create table public.two (id int)"
        )
    write(tmp_path / "supabase" / "config.toml", 'project_id = "demo"\n')
    migrations = tmp_path / "supabase" / "migrations"
    write(migrations / "20240101000000_one.sql", "create table public.one (id int);")
    write(migrations / "20240102000000_two.sql", "create table public.two (id int);")
    write(migrations / "20240104000000_three.sql", "create table public.three (id int);")
    url = server.url(db)
    result = run_cli(["baseline", "--dsn", url, "--from-supabase"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "recorded supabase/migrations/20240101000000_one.sql" in result.stdout
    assert "recorded supabase/migrations/20240102000000_two.sql" in result.stdout
    assert (
        "20240103000000_squashed_away is in supabase_migrations.schema_migrations but has no file"
        in result.stdout
    )
    status = json.loads(run_cli(["status", "--dsn", url, "--format", "json"], tmp_path).stdout)
    assert {row["name"]: row["state"] for row in status} == {
        "one": "applied",
        "two": "applied",
        "three": "pending",
    }
    applied = run_cli(["apply", "--dsn", url], tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "applied supabase/migrations/20240104000000_three.sql" in applied.stdout
    assert "20240101000000_one" not in applied.stdout
    # the first Supabase CLIs kept only the version column
    with server.connect(db) as conn:
        conn.execute(
            "alter table supabase_migrations.schema_migrations drop column name, "
            "drop column statements"
        )
    dry = run_cli(["baseline", "--dsn", url, "--from-supabase", "--dry-run"], tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "warning: 20240103000000 is in" in dry.stdout and "nothing to record" in dry.stdout


def test_baseline_needs_a_source_and_a_supabase_history(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    url = server.url(db)
    line = _one_line(run_cli(["baseline", "--dsn", url], project), 2)
    assert "--version V" in line and "--from-supabase" in line
    line = _one_line(run_cli(["baseline", "--dsn", url, "--from-supabase"], project), 2)
    assert "supabase_migrations.schema_migrations does not exist" in line
    assert _rows(server, db, "select to_regclass('sqlkit.schema_history')") == [(None,)]
