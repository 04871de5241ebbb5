"""Fleets: `apply --targets` / `status --targets` on many databases, one embedded server and
two; a server killed mid-run fails its own targets and no other."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlkit.config import Settings
from sqlkit.engines import resolve
from sqlkit.engines.base import Server, create_database, drop_database
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import SQLKIT, run_cli, write

PASSWORD = "s3cret-fleet-pw"


def _with_password(url: str) -> str:
    """The embedded server trusts local connections: a password in the DSN is accepted and
    ignored, so the test can check it is never printed."""
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)


@pytest.fixture
def databases(sqlkit_server: SqlkitServer) -> Iterator[tuple[Server, list[str]]]:
    server = sqlkit_server.server
    names = [f"sqlkit_fleet_{i:02d}" for i in range(20)]
    for name in names:
        create_database(server, name)
    try:
        yield server, names
    finally:
        for name in names:
            drop_database(server, name)


def _sessions_running(server: Server, text: str, wanted: int) -> int:
    """How many other sessions run a query containing `text`, once `wanted` do (or after a
    minute)."""
    deadline = time.monotonic() + 60
    running = 0
    with server.connect() as conn:
        while time.monotonic() < deadline and running < wanted:
            row = conn.execute(
                "select count(*) from pg_stat_activity where position(%s in query) > 0"
                " and pid <> pg_backend_pid()",
                (text,),
            ).fetchone()
            running = row[0] if row else 0
            time.sleep(0.05)
    return running


def _project(folder: Path) -> Path:
    write(folder / "sqlkit.toml", 'target = "postgres"\n')
    write(folder / "migrations" / "1_a.sql", "create table public.a (id int);")
    write(folder / "migrations" / "2_b.sql", "create table public.b (id int);")
    return folder


def test_fleet_of_twenty_databases(databases, tmp_path: Path) -> None:
    server, names = databases
    project = _project(tmp_path)
    # every format of a targets file: named URLs, bare DSNs (named by their database)
    lines = [
        "# tenants",
        *(f"t{i:02d} = {_with_password(server.url(n))}" for i, n in enumerate(names[:10])),
    ]
    lines += [_with_password(server.url(n)) for n in names[10:]]
    write(project / "targets.txt", "\n".join(lines) + "\n")
    result = run_cli(
        ["apply", "--targets", "targets.txt", "--parallel", "8", "--format", "json"], project
    )
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["targets"] == 20 and report["summary"]["applied"] == 20
    assert [t["name"] for t in report["targets"]][:2] == ["t00", "t01"]
    assert report["targets"][10]["name"] == "sqlkit_fleet_10"
    assert all(
        t["applied"] == ["migrations/1_a.sql", "migrations/2_b.sql"] for t in report["targets"]
    )
    for name in (names[0], names[19]):  # each database has its own history
        with server.connect(name) as conn:
            assert conn.execute("select count(*) from sqlkit.schema_history").fetchone() == (2,)
    status = run_cli(["status", "--targets", "targets.txt", "--parallel", "4"], project)
    assert status.returncode == 0, status.stderr
    assert "20 target(s): 20 up to date" in status.stdout
    assert PASSWORD not in status.stdout + status.stderr
    # a target that fails does not stop the others; --fail-fast starts nothing after it
    write(project / "migrations" / "3_c.sql", "create table public.c (id int);")
    with server.connect(names[5]) as conn:
        conn.execute("create table public.c (id int)")  # someone's hand-made table
    failed = run_cli(["apply", "--targets", "targets.txt", "--parallel", "4"], project)
    assert failed.returncode == 1
    assert "19 applied, 1 failed" in failed.stdout
    assert 't05: failed: migrations/3_c.sql:1: relation "c" already exists' in failed.stdout
    assert PASSWORD not in failed.stdout + failed.stderr
    write(project / "migrations" / "4_d.sql", "create table public.d (id int);")
    fast = run_cli(
        ["apply", "--targets", "targets.txt", "--fail-fast", "--format", "json"], project
    )
    states = [t["state"] for t in json.loads(fast.stdout)["targets"]]
    assert fast.returncode == 1
    assert states == ["applied"] * 5 + ["failed"] + ["skipped"] * 14
    pending = run_cli(["status", "--targets", "targets.txt", "--format", "json"], project)
    assert pending.returncode == 0  # pending files are not drift
    assert [t["state"] for t in json.loads(pending.stdout)["targets"]] == (
        ["up to date"] * 5 + ["pending"] * 15
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "no targets in the file"),
        ("a = postgresql://u:pw-secret@h/db\na = postgresql://u@h/other\n", "called 'a'"),
        ("postgresql://u:pw-secret@h/db\nx = postgresql://u@h/db\n", "are the same database"),
        ("a = postgresql://u:pw-secret@h:notaport/db\n", "port 'notaport'"),
        ("a = postgresql://u:${SQLKIT_TEST_UNSET_PW}@h/db\n", "${SQLKIT_TEST_UNSET_PW} is not set"),
    ],
)
def test_bad_targets_files_are_refused(text: str, needle: str) -> None:
    from sqlkit.errors import InputError
    from sqlkit.migrate.fleet import parse_targets

    with pytest.raises(InputError) as info:
        parse_targets(text, "targets.txt")
    assert needle in str(info.value) and "pw-secret" not in str(info.value)


def test_bad_targets_are_one_line_before_anything_runs(project: Path) -> None:
    write(project / "targets.txt", "a = postgresql://u:pw-secret@h:notaport/db\n")
    result = run_cli(["apply", "--targets", "targets.txt"], project)
    assert result.returncode == 2, result.stderr
    assert "targets.txt:1: not a valid DSN: port 'notaport'" in result.stderr
    assert "pw-secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = run_cli(["status", "--targets", "targets.txt", "--dsn", "postgresql://h/x"], project)
    assert result.returncode == 2 and "exclude each other" in result.stderr


def test_targets_as_a_toml_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlkit.migrate.fleet import parse_targets

    monkeypatch.setenv("TENANT_PW", "from-a-secret")
    targets = parse_targets(
        '[targets]\nacme = "postgresql://app:${TENANT_PW}@db1/acme"\n'
        'globex = { dsn = "host=db2 dbname=globex user=app" }\n',
        "targets.toml",
    )
    assert [(t.name, t.database) for t in targets] == [
        ("acme", "postgresql://app@db1:5432/acme"),
        ("globex", "postgresql://app@db2:5432/globex"),
    ]
    assert "from-a-secret" in targets[0].dsn
    assert targets[0].mask("password from-a-secret leaked") == "password *** leaked"


def test_a_killed_server_fails_its_own_targets_only(
    sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    # the second file waits on the databases of server B only, so B dies in the middle of it
    write(
        project / "migrations" / "2_b.sql",
        "create table public.b (id int);\nselect pg_sleep(coalesce(nullif("
        "current_setting('sqlkit_test.sleep', true), ''), '0')::float8);\n",
    )
    write(project / "migrations" / "3_c.sql", "create table public.c (id int);")
    a = sqlkit_server.server
    a_names = [f"sqlkit_fleet_a{i}" for i in range(3)]
    for name in a_names:
        create_database(a, name)
    engine_b = resolve(Settings(), "embedded")
    try:
        with engine_b.running() as b:
            b_names = [f"b{i}" for i in range(3)]
            lines = [f"a{i} = {_with_password(a.url(n))}" for i, n in enumerate(a_names)]
            for i, name in enumerate(b_names):
                create_database(b, name)
                with b.connect() as conn:
                    conn.execute(f"alter database {name} set sqlkit_test.sleep = '60'")
                lines.append(f"b{i} = {_with_password(b.url(name))}")
            write(project / "targets.txt", "\n".join(lines) + "\n")
            proc = subprocess.Popen(
                [
                    *SQLKIT,
                    "apply",
                    "--targets",
                    "targets.txt",
                    "--parallel",
                    "6",
                    "--format",
                    "json",
                ],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            sleeping = _sessions_running(b, "pg_sleep(coalesce", 3)
            assert sleeping == 3, "server B's targets never reached their second file"
            assert engine_b.pid is not None
            engine_b.process.send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
            out, err = proc.communicate(timeout=90)
    finally:
        for name in a_names:
            drop_database(a, name)
    assert proc.returncode == 1, err
    assert PASSWORD not in out + err
    report = {t["name"]: t for t in json.loads(out)["targets"]}
    for name in ("a0", "a1", "a2"):
        assert report[name]["state"] == "applied", report[name]
        assert len(report[name]["applied"]) == 3
    for name in ("b0", "b1", "b2"):
        assert report[name]["state"] == "failed", report[name]
        assert report[name]["applied"] == ["migrations/1_a.sql"]
        assert report[name]["failed_file"] == "migrations/2_b.sql"
        assert "connection" in report[name]["error"], report[name]["error"]


def test_sigterm_stops_the_fleet_and_rolls_back_what_runs(
    sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    write(
        project / "migrations" / "2_b.sql", "create table public.b (id int);\nselect pg_sleep(60);"
    )
    server = sqlkit_server.server
    names = [f"sqlkit_fleet_term_{i}" for i in range(4)]
    for name in names:
        create_database(server, name)
    try:
        write(project / "targets.txt", "\n".join(server.url(n) for n in names) + "\n")
        proc = subprocess.Popen(
            [*SQLKIT, "apply", "--targets", "targets.txt", "--parallel", "2"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        sleeping = _sessions_running(server, "pg_sleep(60)", 2)
        assert sleeping == 2, "the first two targets never reached their second file"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.strip().splitlines()[-1] == (
            "interrupted: 2 target(s) stopped (their current file rolled back), 2 not started"
        )
        assert "nothing of migrations/2_b.sql was kept" in out
        for name in names[:2]:  # the first file stayed, nothing of the second
            with server.connect(name) as conn:
                assert conn.execute(
                    "select to_regclass('public.a') is not null, to_regclass('public.b'), "
                    "(select count(*) from sqlkit.schema_history)"
                ).fetchone() == (True, None, 1)
        for name in names[2:]:  # never started
            with server.connect(name) as conn:
                assert conn.execute("select to_regclass('sqlkit.schema_history')").fetchone() == (
                    None,
                )
    finally:
        for name in names:
            drop_database(server, name)
