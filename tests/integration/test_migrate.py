"""apply / status / repair against a real Postgres: atomicity, locking, drift, errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from sqlkit.config import load_settings
from sqlkit.engines.base import Server
from sqlkit.migrate.apply import apply_files
from tests.integration.conftest import SQLKIT, run_cli, write


def _tables(server: Server, db: str) -> set[str]:
    with server.connect(db) as conn:
        return {
            r[0]
            for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        }


def _history(server: Server, db: str) -> list[tuple]:
    with server.connect(db) as conn:
        if not conn.execute("select to_regclass('sqlkit.schema_history')").fetchone()[0]:
            return []
        return conn.execute(
            "select version, kind, name, success from sqlkit.schema_history order by id"
        ).fetchall()


def test_apply_versioned_then_repeatables_once(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "2_second.sql", "create table public.b (id int);")
    write(project / "migrations" / "1_first.sql", "create table public.a (id int);")
    write(
        project / "functions" / "f.sql",
        "create or replace function public.f() returns int language sql as $$ select count(*)::int from public.b $$;",
    )
    result = run_cli(["apply", "--dsn", server.url(db)], project)
    assert result.returncode == 0, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("applied ")][
        :3
    ] == ["migrations/1_first.sql", "migrations/2_second.sql", "functions/f.sql"]
    assert _history(server, db) == [
        ("1", "versioned", "first", True),
        ("2", "versioned", "second", True),
        (None, "repeatable", "functions/f.sql", True),
    ]
    again = run_cli(["apply", "--dsn", server.url(db)], project)
    assert again.returncode == 0 and "up to date" in again.stdout
    # a changed repeatable is re-applied; versioned files are not
    write(
        project / "functions" / "f.sql",
        "create or replace function public.f() returns int language sql as $$ select 2 $$;",
    )
    third = run_cli(["apply", "--dsn", server.url(db)], project)
    assert "applied functions/f.sql" in third.stdout and "migrations/" not in third.stdout


def test_failing_migration_names_file_line_and_server_message(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "1_ok.sql", "create table public.ok (id int);")
    write(
        project / "migrations" / "2_bad.sql",
        "create table public.half (id int);\n\ninsert into public.half values (1);\nselect * from public.missing;\n",
    )
    result = run_cli(["apply", "--dsn", server.url(db)], project)
    assert result.returncode == 1
    assert "migrations/2_bad.sql:4:" in result.stderr
    assert 'relation "public.missing" does not exist' in result.stderr
    assert "Traceback" not in result.stderr
    assert _tables(server, db) == {"ok"}  # the failed file left nothing; the earlier file stayed
    assert [row[:2] for row in _history(server, db)] == [("1", "versioned"), ("2", "versioned")]
    assert _history(server, db)[1][3] is False  # the failed attempt is recorded


def test_files_sent_together_end_as_files_sent_one_by_one(sqlkit_server, project: Path) -> None:
    """A scratch build sends many files in one query: whatever fails (at run time, in a
    no-transaction file, in a statement the parser rejects, in a deferred constraint at
    COMMIT), the database, the history and the error are those of files sent one by one."""
    from sqlkit.engines.base import create_database, drop_database
    from sqlkit.errors import MigrationError
    from sqlkit.files import discover

    migrations = project / "migrations"
    write(
        migrations / "1_a.sql", "create table public.a (id int);\ninsert into public.a values (1);"
    )
    write(migrations / "2_b.sql", "create table public.b (id int);")
    cases = {
        "run time": (
            "3_c.sql",
            "create table public.c (id int);\n\nselect 1 / 0;\n",
            ":3: division by zero",
        ),
        "no transaction": (
            "3_c.sql",
            "-- sqlkit: no-transaction\nselect 1 / 0;\n",
            ":2: division by zero",
        ),
        "rejected": (
            "3_c.sql",
            "create table public.c (id int);\nselect from where;\n",
            ":2: syntax error",
        ),
        "at commit": (
            "3_c.sql",
            "create table public.c (id int primary key, p int references public.c"
            " deferrable initially deferred);\ninsert into public.c values (1, 2);\n",
            "violates foreign key constraint",
        ),
    }
    write(migrations / "4_d.sql", "create table public.d (id int);")
    for case, (name, sql, expected) in cases.items():
        write(migrations / name, sql)
        settings = load_settings(config_file=project / "sqlkit.toml")
        outcomes = []
        for per_query in (1, 50):
            db = f"sqlkit_it_batch_{per_query}"
            create_database(sqlkit_server.server, db)
            try:
                with sqlkit_server.server.connect(db) as conn:
                    try:
                        apply_files(
                            conn, settings, files=discover(settings), files_per_round_trip=per_query
                        )
                        message = ""
                    except MigrationError as exc:
                        message = exc.message
                outcomes.append(
                    (message, _tables(sqlkit_server.server, db), _history(sqlkit_server.server, db))
                )
            finally:
                drop_database(sqlkit_server.server, db)
        assert outcomes[0] == outcomes[1], case
        assert expected in outcomes[0][0] and "migrations/3_c.sql" in outcomes[0][0], case
        assert {"a", "b"} <= outcomes[0][1] and "d" not in outcomes[0][1], case
    (migrations / "3_c.sql").unlink()  # and when nothing fails: every file, one history row each
    settings = load_settings(config_file=project / "sqlkit.toml")
    create_database(sqlkit_server.server, "sqlkit_it_batch_ok")
    try:
        with sqlkit_server.server.connect("sqlkit_it_batch_ok") as conn:
            result = apply_files(conn, settings, files_per_round_trip=2)
        assert [file.name for file, _ in result.applied] == ["a", "b", "d"]
        assert [row[3] for row in _history(sqlkit_server.server, "sqlkit_it_batch_ok")] == [
            True
        ] * 3
    finally:
        drop_database(sqlkit_server.server, "sqlkit_it_batch_ok")


def test_runtime_error_in_do_block_points_at_its_statement(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_do.sql",
        "create table public.t (id int);\n\ndo $$ begin\n  raise exception 'boom';\nend $$;\n",
    )
    result = run_cli(["apply", "--dsn", server.url(db)], project)
    assert result.returncode == 1 and "migrations/1_do.sql:3: boom" in result.stderr


def test_edited_applied_migration_is_refused_until_repair(empty_db, project: Path) -> None:
    server, db = empty_db
    path = write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    assert run_cli(["apply", "--dsn", server.url(db)], project).returncode == 0
    path.write_text("create table public.a (id int, note text);")
    write(project / "migrations" / "2_b.sql", "create table public.b (id int);")
    refused = run_cli(["apply", "--dsn", server.url(db)], project)
    assert refused.returncode == 1
    assert "migrations/1_a.sql" in refused.stderr and "sqlkit repair" in refused.stderr
    assert _tables(server, db) == {"a"}  # nothing applied while drift exists
    status = run_cli(["status", "--dsn", server.url(db), "--format", "json"], project)
    assert status.returncode == 1
    states = {row["name"]: row["state"] for row in json.loads(status.stdout)}
    assert states == {"a": "changed", "b": "pending"}
    repaired = run_cli(["repair", "--dsn", server.url(db)], project)
    assert repaired.returncode == 0 and "migrations/1_a.sql: checksum" in repaired.stdout
    assert run_cli(["apply", "--dsn", server.url(db)], project).returncode == 0
    assert _tables(server, db) == {"a", "b"}


def test_status_shows_missing_locally_and_dry_run_changes_nothing(empty_db, project: Path) -> None:
    server, db = empty_db
    gone = write(project / "migrations" / "1_gone.sql", "create table public.gone (id int);")
    assert run_cli(["apply", "--dsn", server.url(db)], project).returncode == 0
    gone.unlink()
    write(project / "migrations" / "2_new.sql", "create table public.new (id int);")
    dry = run_cli(["apply", "--dsn", server.url(db), "--dry-run"], project)
    assert dry.returncode == 0 and "would apply migrations/2_new.sql" in dry.stdout
    assert _tables(server, db) == {"gone"}
    table = run_cli(["status", "--dsn", server.url(db)], project)
    assert table.returncode == 0
    assert "missing-locally" in table.stdout and "pending" in table.stdout


def test_concurrent_index_needs_no_transaction(empty_db, project: Path) -> None:
    server, db = empty_db
    write(project / "migrations" / "1_t.sql", "create table public.t (id int);")
    idx = write(
        project / "migrations" / "2_idx.sql", "create index concurrently t_id on public.t (id);"
    )
    refused = run_cli(["apply", "--dsn", server.url(db)], project)
    assert refused.returncode == 2
    assert "CREATE INDEX CONCURRENTLY cannot run inside a transaction" in refused.stderr
    assert "sqlkit: no-transaction" in refused.stderr
    assert _tables(server, db) == set()  # refused before anything ran
    idx.write_text("-- sqlkit: no-transaction\ncreate index concurrently t_id on public.t (id);")
    assert run_cli(["apply", "--dsn", server.url(db)], project).returncode == 0
    with server.connect(db) as conn:
        assert (
            conn.execute("select count(*) from pg_indexes where indexname = 't_id'").fetchone()[0]
            == 1
        )


def test_killed_apply_leaves_neither_objects_nor_history(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_slow.sql",
        "create table public.first (id int);\nselect pg_sleep(30);\ncreate table public.second (id int);\n",
    )
    proc = subprocess.Popen(
        [*SQLKIT, "apply", "--dsn", server.url(db)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    with server.connect(db) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "select count(*) from pg_stat_activity where query like '%%select pg_sleep(30)%%'"
                " and datname = current_database() and pid <> pg_backend_pid()"
            ).fetchone()[0]
            if busy:
                break
            time.sleep(0.05)
        assert busy, "the migration never reached its sleep"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the server notices the dead client; make it give up the sleeping backend now
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()"
        )
        time.sleep(0.2)
    assert _tables(server, db) == set()
    assert [row for row in _history(server, db) if row[3]] == []


def test_concurrent_applies_serialise_and_apply_each_file_once(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_a.sql", "create table public.a (id int);\nselect pg_sleep(1);"
    )
    write(project / "migrations" / "2_b.sql", "create table public.b (id int);")
    procs = [
        subprocess.Popen(
            [*SQLKIT, "apply", "--dsn", server.url(db)],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(row[0] for row in _history(server, db)) == ["1", "2"]
    assert sum("applied migrations/1_a.sql" in out for out, _ in outputs) == 1


def test_lock_timeout_when_another_apply_holds_the_lock(empty_db, project: Path) -> None:
    from sqlkit.migrate.history import LOCK_KEY

    server, db = empty_db
    write(project / "migrations" / "1_a.sql", "create table public.a (id int);")
    with server.connect(db) as holder:
        holder.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        result = run_cli(["apply", "--dsn", server.url(db), "--lock-timeout", "0.5"], project)
    assert result.returncode == 2
    assert "another sqlkit apply holds the migration lock" in result.stderr


def test_bad_dsn_and_unreachable_host_exit_2_without_password(project: Path) -> None:
    for dsn in (
        "postgresql://app:s3cr3t-pw@127.0.0.1:1/app",
        "postgresql://app:s3cr3t-pw@nonexistent.invalid/app",
        "not a dsn at all password=s3cr3t-pw",
    ):
        result = run_cli(["apply", "--dsn", dsn], project)
        assert result.returncode == 2, (dsn, result.stderr)
        assert "s3cr3t-pw" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_no_dsn_is_a_usage_error(project: Path) -> None:
    result = run_cli(["status"], project)
    assert result.returncode == 2 and "--dsn" in result.stderr


def test_api_apply_with_shim_makes_supabase_roles(empty_db, project: Path) -> None:
    server, db = empty_db
    (project / "sqlkit.toml").write_text('target = "supabase"\n')
    write(
        project / "migrations" / "1_t.sql",
        "create table public.t (id int);\ngrant select on public.t to anon;",
    )
    result = run_cli(["apply", "--dsn", server.url(db), "--shim"], project)
    assert result.returncode == 0, result.stderr
    with server.connect(db) as conn:
        assert conn.execute("select has_table_privilege('anon', 'public.t', 'select')").fetchone()[
            0
        ]
        assert conn.execute("select auth.uid() is null").fetchone()[0]
    with psycopg.connect(server.conninfo(db), autocommit=True) as conn:
        settings = load_settings(project)
        assert apply_files(conn, settings).applied == []


def test_migration_with_meta_commands_and_templates(empty_db, project: Path) -> None:
    server, db = empty_db
    (project / "sqlkit.toml").write_text('target = "postgres"\nvars = {table = "from_template"}\n')
    write(
        project / "migrations" / "1_meta.sql",
        "\\set ON_ERROR_STOP on\ncreate table public.meta (id int);\n",
    )
    write(
        project / "migrations" / "2_tpl.sql.j2",
        "create table public.{{ table | ident }} (id int);\n",
    )
    result = run_cli(["apply", "--dsn", server.url(db)], project)
    assert result.returncode == 0, result.stderr
    assert _tables(server, db) == {"meta", "from_template"}


def test_sigterm_during_apply_rolls_back(empty_db, project: Path) -> None:
    server, db = empty_db
    write(
        project / "migrations" / "1_slow.sql",
        "create table public.x (id int);\nselect pg_sleep(30);\n",
    )
    proc = subprocess.Popen(
        [*SQLKIT, "apply", "--dsn", server.url(db)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0 and "Traceback" not in err
    time.sleep(0.3)
    with server.connect(db) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()"
        )
    assert _tables(server, db) == set()


def test_python_is_the_same_interpreter() -> None:
    assert SQLKIT[0] == sys.executable
