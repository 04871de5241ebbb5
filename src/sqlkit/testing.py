"""pytest plugin (entry point `pytest11`): a disposable Postgres with your project applied.

Fixtures:
- `sqlkit_server` (session): a running server whose template database has the
  target's shim, the test helpers and every migration and repeatable definition
  of the project (found from the current directory's configuration).
- `sqlkit_db`: a fresh clone of that template per test, as a psycopg connection
  (autocommit off; dropped afterwards).
- `authenticate_as(conn, claims)`: act as an API caller in the current transaction.

The server starts only when a test asks for one of these fixtures.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from sqlkit.engines.base import Server, create_database, drop_database


@dataclass
class SqlkitServer:
    """The session's server and the name of the template database tests clone."""

    server: Server
    template: str
    engine: Any

    def clone(self, name: str | None = None) -> str:
        name = name or f"sqlkit_pytest_{secrets.token_hex(5)}"
        create_database(self.server, name, template=self.template)
        return name

    def drop(self, name: str) -> None:
        drop_database(self.server, name)

    def connect(self, dbname: str, *, autocommit: bool = False) -> psycopg.Connection:
        return self.server.connect(dbname, autocommit=autocommit)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sqlkit")
    group.addoption(
        "--sqlkit-engine",
        default=None,
        help="engine for the sqlkit_server fixture (default: the project's, else embedded)",
    )


def authenticate_as(conn: psycopg.Connection, claims: dict[str, Any]) -> None:
    """Set role and request.jwt.claims for the rest of the current transaction."""
    conn.execute("select sqlkit_test.authenticate_as(%s)", (Jsonb(claims),))


@pytest.fixture(scope="session")
def sqlkit_server(request: pytest.FixtureRequest) -> Iterator[SqlkitServer]:
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.verify.runner import build_template

    settings = load_settings()
    # --sqlkit-engine, then $SQLKIT_ENGINE, then the project's engine; the dsn engine's server
    # comes from $SQLKIT_DSN (a DSN in the environment alone never selects it)
    engine = resolve(settings, request.config.getoption("--sqlkit-engine"))
    server = engine.start()
    try:
        template = engine.scratch_database(server)
        build_template(server, settings, template, engine.name)
        yield SqlkitServer(server, template, engine)
    finally:
        engine.stop()


@pytest.fixture
def sqlkit_db(sqlkit_server: SqlkitServer) -> Iterator[psycopg.Connection]:
    name = sqlkit_server.clone()
    try:
        with sqlkit_server.connect(name) as conn:
            yield conn
    finally:
        sqlkit_server.drop(name)


@pytest.fixture(name="authenticate_as")
def authenticate_as_fixture() -> Any:
    return authenticate_as
