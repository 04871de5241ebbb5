"""`sqlkit verify`, `init`, engines and the pytest plugin, against real Postgres."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import psycopg
import pytest

from sqlkit.engines.base import mask_dsn
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import SQLKIT, run_cli, write


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _server_dirs(root: Path) -> set[str]:
    return set(glob.glob(os.path.join(root, "sqlkit-pg-*")))


def _postgres_pids_for(dirs: set[str]) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [
        int(line.split()[0])
        for line in out.splitlines()[1:]
        if "postgres -D" in line and any(d in line for d in dirs)
    ]


def test_init_then_verify_passes(tmp_path: Path) -> None:
    created = run_cli(["init", "demo"], tmp_path)
    assert created.returncode == 0, created.stderr
    demo = tmp_path / "demo"
    lint = run_cli(["lint"], demo)
    assert lint.returncode == 0, lint.stdout
    verified = run_cli(["verify", "--junit", "report.xml"], demo)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1/1 test file(s) passed" in verified.stdout
    suite = ET.parse(demo / "report.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "0"
    again = run_cli(["init", "demo"], tmp_path)
    assert again.returncode == 2 and "not empty" in again.stderr


def test_init_postgres_target_verifies(tmp_path: Path) -> None:
    assert run_cli(["init", "pg", "--target", "postgres"], tmp_path).returncode == 0
    result = run_cli(["verify"], tmp_path / "pg")
    assert result.returncode == 0, result.stdout + result.stderr


def test_failing_test_file_is_reported_with_line(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(
        demo / "tests" / "sql" / "broken_test.sql",
        "select 1;\n\ndo $$ begin assert 1 = 2, 'one is not two'; end $$;\n",
    )
    result = run_cli(["verify", "--junit", "r.xml"], demo)
    assert result.returncode == 1
    assert "tests/sql/broken_test.sql:3: one is not two" in result.stdout
    assert "1/2 test file(s) passed" in result.stdout
    failure = ET.parse(demo / "r.xml").getroot().find("testsuite/testcase/failure")
    assert failure is not None and "one is not two" in failure.get("message", "")


def test_each_test_file_gets_its_own_rolled_back_clone(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    for name in ("a", "b", "c"):
        write(
            demo / "tests" / "sql" / f"{name}_test.sql",
            "insert into auth.users (id) values ('00000000-0000-0000-0000-0000000000ff');\n"
            "do $$ begin assert (select count(*) from auth.users) = 1, 'saw another test''s rows'; end $$;\n",
        )
    result = run_cli(["verify", "--jobs", "2"], demo)
    assert result.returncode == 0, result.stdout


def test_missing_extension_is_named_with_the_way_out(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(
        demo / "migrations" / "20250102000000_ext.sql",
        'create extension if not exists "uuid-ossp";\n',
    )
    result = run_cli(["verify"], demo)
    assert result.returncode == 2
    assert "'uuid-ossp'" in result.stderr and 'engine = "local"' in result.stderr
    assert "Traceback" not in result.stderr


def _slow_verify(tmp_path: Path, root: Path) -> tuple[subprocess.Popen[str], set[str]]:
    """`sqlkit verify` on a project whose test sleeps, once its server is up: (process, server
    dirs). Its servers go into `root`, this test's own folder: what is there is this run's."""
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(demo / "tests" / "sql" / "slow_test.sql", "select pg_sleep(60);\n")
    before = _server_dirs(root)
    # like a terminal's Ctrl-C: a shell that started us in the background may have SIGINT ignored
    proc = subprocess.Popen(
        [*SQLKIT, "verify"],
        cwd=demo,
        env={**os.environ, "SQLKIT_TMPDIR": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 30
    mine: set[str] = set()
    while time.monotonic() < deadline and not mine:
        mine = {
            d
            for d in _server_dirs(root) - before
            if os.path.exists(os.path.join(d, "data", "postmaster.pid"))
        }
        time.sleep(0.05)
    assert mine, "verify never started a server"
    return proc, mine


@pytest.mark.parametrize(
    ("sig", "delay"),
    [(signal.SIGINT, 1.0), (signal.SIGTERM, 1.0), (signal.SIGINT, 0.0), (signal.SIGINT, 0.3)],
)
def test_interrupted_verify_leaves_no_server_or_directory(
    tmp_path: Path, server_root: Path, sig: signal.Signals, delay: float
) -> None:
    proc, mine = _slow_verify(tmp_path, server_root)
    time.sleep(delay)  # 0: during start-up and apply; 1: into the slow test
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0 and "Traceback" not in err
    assert not any(os.path.exists(d) for d in mine)
    assert _postgres_pids_for(mine) == []


def test_keep_leaves_a_server_you_can_connect_to(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    result = run_cli(["verify", "--keep"], demo)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("SQLKIT_DSN=")]
    assert len(lines) == 1
    dsn = lines[0].split("=", 1)[1]
    assert "&" not in dsn and "?" not in dsn
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select count(*) from public.notes").fetchone()[0] == 0
        pid = conn.execute(
            "select pg_postmaster_start_time() is not null, "
            "(select setting from pg_settings where name = 'data_directory')"
        ).fetchone()
    data_dir = pid[1]
    server_pid = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    os.kill(server_pid, signal.SIGINT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and os.path.exists(os.path.join(data_dir, "postmaster.pid")):
        time.sleep(0.1)
    from sqlkit.engines.process import sweep_stale_directories

    sweep_stale_directories()
    assert not os.path.exists(os.path.dirname(data_dir))


def test_docker_engine_without_docker_fails_clearly(tmp_path: Path) -> None:
    from sqlkit.engines.docker import docker_available

    if docker_available() is None:
        pytest.skip("a Docker engine is running here")
    run_cli(["init", "demo"], tmp_path)
    result = run_cli(["verify", "--engine", "docker"], tmp_path / "demo")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: --engine docker:") and "--engine embedded" in lines[-1]
    assert "Traceback" not in result.stderr


def test_dsn_engine_uses_and_drops_a_throwaway_database(
    sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    run_cli(["init", "demo"], tmp_path)
    url = sqlkit_server.server.url("postgres")
    result = run_cli(["verify", "--engine", "dsn", "--dsn", url], tmp_path / "demo")
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlkit_server.server.connect() as conn:
        left = conn.execute(
            "select count(*) from pg_database where datname like 'sqlkit_verify_%%'"
        ).fetchone()[0]
    assert left == 0


def test_unknown_engine_and_bad_config(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    assert run_cli(["verify", "--engine", "podman"], tmp_path / "demo").returncode == 2
    (tmp_path / "demo" / "sqlkit.toml").write_text('engine = "podman"\n')
    result = run_cli(["verify"], tmp_path / "demo")
    assert result.returncode == 2 and "`engine` must be" in result.stderr


def test_an_engine_prepared_ahead_that_no_command_takes_is_removed(
    tmp_path: Path, server_root: Path
) -> None:
    """`sqlkit verify` and `diff` start initdb before the command line loads; when the
    command then fails before its engine starts, the exit removes what was prepared."""
    run_cli(["init", "demo"], tmp_path)
    env = {"SQLKIT_TMPDIR": str(server_root), "SQLKIT_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["verify", "--junit", "/nonexistent/x.xml"], ["diff"]):  # both fail at once
        result = subprocess.run(
            [*SQLKIT, *args],
            cwd=tmp_path / "demo",
            env={**os.environ, **env, "SQLKIT_DSN": ""},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        deadline = time.monotonic() + 30  # the first run's initdb cache writer may still run
        while time.monotonic() < deadline and _server_dirs(server_root):
            time.sleep(0.05)
        assert not _server_dirs(server_root), args


@pytest.mark.parametrize("delay", [0.05, 0.25])
def test_a_signal_while_the_command_line_loads_leaves_nothing(
    tmp_path: Path, server_root: Path, delay: float
) -> None:
    """SIGTERM while `sqlkit verify` is still loading, its server prepared ahead (initdb or
    the copy under way): it unwinds like Ctrl-C and what was prepared is removed."""
    run_cli(["init", "demo"], tmp_path)
    proc = subprocess.Popen(
        [*SQLKIT, "verify"],
        cwd=tmp_path / "demo",
        env={**os.environ, "SQLKIT_TMPDIR": str(server_root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "Traceback" not in err, err
    deadline = time.monotonic() + 30  # a first run's initdb cache writer may still run
    while time.monotonic() < deadline and _server_dirs(server_root):
        time.sleep(0.05)
    assert not _server_dirs(server_root)


def test_resolve_takes_the_engine_prepared_ahead(tmp_path: Path, server_root: Path) -> None:
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.ahead import _THREADS, prepare_ahead

    run_cli(["init", "demo"], tmp_path)
    config = tmp_path / "demo" / "sqlkit.toml"
    os.environ["SQLKIT_TMPDIR"] = str(server_root)
    try:
        prepare_ahead(config, "embedded", None)
        _THREADS[-1].join()
        prepared = _server_dirs(server_root)
        assert len(prepared) == 1  # its data directory is there before anyone asked
        settings = load_settings(config_file=config)
        assert resolve(settings, "local").name == "local"  # another engine: not this one
        engine = resolve(settings, "embedded")
        assert resolve(settings, "embedded") is not engine  # taken once
        with engine.running() as server, server.connect() as conn:
            assert conn.execute("select 1").fetchone() == (1,)
            assert _server_dirs(server_root) == prepared  # the one prepared ahead
        assert not _server_dirs(server_root)
    finally:
        del os.environ["SQLKIT_TMPDIR"]


def test_mask_dsn() -> None:
    assert mask_dsn("postgresql://u:pw@h/db") == "postgresql://***@h/db"
    assert mask_dsn("postgresql://u:p w@d/x@h/db") == "postgresql://***@h/db"
    assert mask_dsn("host=h password=pw user=u") == "host=h password=*** user=u"
    assert mask_dsn("password='a b' host=h") == "password=*** host=h"


# --- the pytest plugin, as sqlkit's own tests use it -------------------------------
def test_plugin_gives_each_test_a_fresh_clone(sqlkit_server: SqlkitServer) -> None:
    """What one test commits, the next test's clone does not see (in one test, so that the
    order pytest runs tests in cannot make it pass vacuously)."""
    first, second = sqlkit_server.clone(), sqlkit_server.clone()
    try:
        with sqlkit_server.connect(first) as conn:
            conn.execute("create table public.plugin_probe (id int)")
            conn.commit()
            assert conn.execute("select to_regclass('public.plugin_probe')").fetchone()[0]
        with sqlkit_server.connect(second) as conn:
            assert conn.execute("select to_regclass('public.plugin_probe')").fetchone()[0] is None
    finally:
        sqlkit_server.drop(first)
        sqlkit_server.drop(second)


def test_plugin_db_fixture_is_a_clone_dropped_afterwards(
    sqlkit_db: psycopg.Connection, sqlkit_server: SqlkitServer
) -> None:
    name = sqlkit_db.info.dbname
    assert name.startswith("sqlkit_pytest_") and name != sqlkit_server.template
    assert sqlkit_db.execute("select count(*) from auth.users").fetchone() is not None


def test_plugin_authenticate_as(sqlkit_db: psycopg.Connection, authenticate_as) -> None:
    authenticate_as(
        sqlkit_db, {"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}
    )
    row = sqlkit_db.execute("select auth.uid()::text, current_user, auth.role()").fetchone()
    assert row == ("00000000-0000-0000-0000-000000000001", "authenticated", "authenticated")
    sqlkit_db.execute("select sqlkit_test.clear_authentication()")
    assert sqlkit_db.execute("select current_user").fetchone()[0] == "postgres"


def test_shim_net_http_post_records_calls(sqlkit_db: psycopg.Connection) -> None:
    request_id = sqlkit_db.execute(
        "select net.http_post('https://example.com/hook', '{\"a\": 1}'::jsonb)"
    ).fetchone()[0]
    row = sqlkit_db.execute(
        "select method, url, body from net.http_requests where id = %s", (request_id,)
    ).fetchone()
    assert row == ("POST", "https://example.com/hook", {"a": 1})
    setting = sqlkit_db.execute(
        "select setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole "
        "where r.rolname = 'authenticator'"
    ).fetchone()[0]
    assert "pgrst.db_schemas=public" in setting


def test_local_engine_runs_system_postgres_with_contrib(tmp_path: Path) -> None:
    from sqlkit.engines.local import system_bindir

    if system_bindir() is None:
        pytest.skip("no system PostgreSQL here")
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(
        demo / "migrations" / "20250102000000_ext.sql",
        'create extension if not exists "uuid-ossp" with schema extensions;\n',
    )
    write(
        demo / "tests" / "sql" / "uuid_test.sql",
        "do $$ begin assert extensions.uuid_generate_v4() is not null; end $$;\n",
    )
    result = run_cli(["verify", "--engine", "local"], demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "local PostgreSQL" in result.stdout


def test_live_checks_fail_verification_on_lint_errors(tmp_path: Path) -> None:
    run_cli(["init", "demo"], tmp_path)
    demo = tmp_path / "demo"
    write(demo / "migrations" / "20250102000000_leaky.sql", "create table public.leaky (id int);\n")
    result = run_cli(["verify"], demo)
    assert result.returncode == 1
    assert "live error public.leaky: SK201" in result.stdout
    assert "1 error(s) from the live checks" in result.stderr


def test_first_verify_caches_initdb_from_a_process_that_outlives_it(
    tmp_path: Path, server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run (no initdb cache) hands the cache to a process of its own (sqlkit does not
    wait for it): the cache appears whole, the writer removes its folder from the server
    folder, and the folder of a writer that was killed is swept by the next run."""
    from sqlkit.engines.process import sweep_stale_directories

    assert run_cli(["init", "app"], tmp_path).returncode == 0
    cache = tmp_path / "cache"
    env = {**os.environ, "SQLKIT_CACHE_DIR": str(cache), "SQLKIT_TMPDIR": str(server_root)}
    result = subprocess.run(
        [*SQLKIT, "verify"], cwd=tmp_path / "app", env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        not glob.glob(str(cache / "initdb-*" / "PG_VERSION"))
        or glob.glob(str(server_root / "sqlkit-pg-*"))
    ):
        time.sleep(0.05)
    assert glob.glob(str(cache / "initdb-*" / "PG_VERSION")), "initdb's result was not cached"
    assert not glob.glob(str(server_root / "sqlkit-pg-*")), "the writer left its folder"
    assert not [p for p in cache.iterdir() if not p.name.startswith("initdb-")]  # no staging

    orphan = server_root / "sqlkit-pg-initdb-orphan"  # as a killed writer leaves it
    (orphan / "data").mkdir(parents=True)
    (orphan / "owner.pid").write_text(str(_exited_pid()))
    monkeypatch.setenv("SQLKIT_TMPDIR", str(server_root))
    assert sweep_stale_directories() >= 1
    assert not orphan.exists()


def _exited_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_folder_left_without_a_marker_is_swept_once_old(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run interrupted while it made its server folder leaves no owner.pid: the sweep
    removes such a folder once it is old, never one that may be in the making."""
    from sqlkit.engines.process import sweep_stale_directories

    monkeypatch.setenv("SQLKIT_TMPDIR", str(server_root))
    old = server_root / "sqlkit-pg-unmarked-old"
    (old / "data").mkdir(parents=True)
    (old / "data" / "postmaster.opts").write_text("postgres\n")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    young = server_root / "sqlkit-pg-unmarked-young"
    young.mkdir()
    assert sweep_stale_directories() == 1
    assert not old.exists() and young.exists()


def test_servers_keep_their_shared_memory_in_their_directory(sqlkit_db: psycopg.Connection) -> None:
    """Dynamic shared memory as files in the data directory: a server or initdb killed
    outright leaves no segment in /dev/shm once its directory is gone."""
    row = sqlkit_db.execute("show dynamic_shared_memory_type").fetchone()
    assert row is not None and row[0] == "mmap"
