"""Integration tests run against the real embedded Postgres of the sqlkit pytest plugin."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlkit.engines.base import Server, create_database, drop_database
from sqlkit.testing import SqlkitServer

SQLKIT = [sys.executable, "-m", "sqlkit"]


@pytest.fixture
def empty_db(sqlkit_server: SqlkitServer) -> Iterator[tuple[Server, str]]:
    """A new, empty database on the session server (no shim, no project)."""
    name = f"sqlkit_it_{secrets.token_hex(4)}"
    create_database(sqlkit_server.server, name)
    try:
        yield sqlkit_server.server, name
    finally:
        drop_database(sqlkit_server.server, name)


@pytest.fixture(scope="module")
def shim_db(sqlkit_server: SqlkitServer) -> Iterator[str]:
    """A database with the Supabase shim and nothing of the project: what a new Supabase
    project looks like to a migration. Module-scoped; tests change it only inside
    transactions they roll back."""
    from sqlkit.engines.shim import install_shim

    name = f"sqlkit_shim_{secrets.token_hex(4)}"
    create_database(sqlkit_server.server, name)
    try:
        with sqlkit_server.connect(name, autocommit=True) as conn:
            install_shim(conn, "supabase")
        yield name
    finally:
        drop_database(sqlkit_server.server, name)


@pytest.fixture
def catalog_db(sqlkit_server: SqlkitServer) -> Iterator[str]:
    """A clone of the deployed reference catalog (the session's template); its name."""
    db = sqlkit_server.clone()
    try:
        yield db
    finally:
        sqlkit_server.drop(db)


@pytest.fixture
def server_root() -> Iterator[Path]:
    """A folder of this test's own for engine server directories (SQLKIT_TMPDIR): what a test
    finds there is its own, whatever other tests run at the same time. World-writable like
    /tmp, because a server started as root runs as an unprivileged user."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sqlkit-test-servers-"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with a config file."""
    (tmp_path / "sqlkit.toml").write_text('target = "postgres"\n')
    (tmp_path / "migrations").mkdir()
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_cli(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [*SQLKIT, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120, **kwargs
    )  # type: ignore[call-overload]
