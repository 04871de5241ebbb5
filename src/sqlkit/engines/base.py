"""What every engine provides: a running server, databases on it, and certain cleanup."""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from sqlkit.errors import ConnectionFailed, EngineError

if TYPE_CHECKING:
    import psycopg

    from sqlkit.config import Settings

ENGINES = ("embedded", "local", "docker", "dsn")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_PASSWORD_KV = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def mask_dsn(text: str) -> str:
    """Hide passwords in a DSN (URL or key=value form), or in any message that contains one."""
    text = _PASSWORD_IN_URL.sub(r"\1***\3", text)
    return _PASSWORD_KV.sub(r"\1***", text)


@dataclass
class Server:
    """How to reach a running server: unix socket directory and/or TCP host, port, role."""

    host: str  # a socket directory (starts with /) or a host name
    port: int
    user: str = "postgres"
    password: str | None = None
    dbname: str = "postgres"
    tcp_host: str | None = None  # 127.0.0.1 for processes that cannot use the socket
    options: dict[str, str] = field(default_factory=dict)

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq keyword/value string (never printed: may hold a password)."""
        parts = {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "dbname": dbname or self.dbname,
            **self.options,
        }
        if self.password:
            parts["password"] = self.password
        return " ".join(f"{k}={_quote_kv(v)}" for k, v in parts.items())

    def url(self, dbname: str | None = None, *, with_password: bool = True) -> str:
        """A postgresql:// URL; a socket directory goes into the `host` query parameter."""
        db = quote(dbname or self.dbname)
        auth = quote(self.user)
        if self.password and with_password:
            auth += ":" + quote(self.password)
        # a socket directory goes in percent-encoded (libpq accepts it): no `?`/`&` to quote in a shell
        host = quote(self.host, safe="") if self.host.startswith("/") else self.host
        return f"postgresql://{auth}@{host}:{self.port}/{db}"

    def connect(
        self, dbname: str | None = None, *, autocommit: bool = True, connect_timeout: int = 10
    ) -> psycopg.Connection:
        import psycopg

        try:
            return psycopg.connect(
                self.conninfo(dbname), autocommit=autocommit, connect_timeout=connect_timeout
            )
        except psycopg.OperationalError as exc:
            raise ConnectionFailed(
                f"cannot connect to {mask_dsn(self.url(dbname, with_password=False))}: "
                f"{mask_dsn(str(exc).strip().splitlines()[0] if str(exc).strip() else 'no answer')}",
                hint="check that the server runs and the DSN is right",
            ) from None


def _quote_kv(value: str) -> str:
    if value and all(c.isalnum() or c in "/._-:" for c in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Engine:
    """A source of a disposable server. Use as a context manager: always cleaned up."""

    name = "engine"
    keep = False  # set before start() when the server must outlive sqlkit

    def start(self) -> Server:  # pragma: no cover - interface
        raise EngineError(f"the {self.name} engine cannot start servers")

    def stop(self) -> None:  # pragma: no cover - interface
        """Stop the server and remove everything it left."""

    def detach(self) -> None:
        """Leave the server running after this process ends (`--keep`)."""

    def scratch_database(self, server: Server) -> str:
        """The database sqlkit should build in (engines with a whole server use a new one)."""
        name = f"sqlkit_verify_{secrets.token_hex(4)}"
        create_database(server, name)
        return name

    @contextlib.contextmanager
    def running(self) -> Iterator[Server]:
        server = self.start()
        try:
            yield server
        finally:
            self.stop()


def create_database(server: Server, name: str, template: str | None = None) -> None:
    from psycopg import sql

    with server.connect() as conn:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
            if conn.info.server_version >= 150000:
                query = sql.SQL("{} STRATEGY = FILE_COPY").format(query)
        conn.execute(query)


def drop_database(server: Server, name: str) -> None:
    from psycopg import sql

    with server.connect() as conn:
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


def engine_for(name: str, settings: Settings, *, dsn: str | None = None) -> Engine:
    """The engine called `name`, configured from settings."""
    if name == "embedded":
        from sqlkit.engines.local import embedded_engine

        return embedded_engine(settings)
    if name == "local":
        from sqlkit.engines.local import local_engine

        return local_engine(settings)
    if name == "docker":
        from sqlkit.engines.docker import DockerEngine

        return DockerEngine(settings.docker_image)
    if name == "dsn":
        from sqlkit.engines.dsn import DsnEngine

        if not dsn:
            raise EngineError(
                "the dsn engine needs a server", hint="pass --dsn URL or set SQLKIT_DSN"
            )
        return DsnEngine(dsn)
    raise EngineError(f"unknown engine {name!r}", hint=f"use one of {', '.join(ENGINES)}")


def parse_dsn(dsn: str) -> Server:
    """A Server from a postgresql:// URL or a key=value DSN."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        if dsn.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(dsn)
            if parts.scheme not in ("postgres", "postgresql"):
                raise ValueError("scheme")
        info = conninfo_to_dict(dsn)
    except Exception:
        raise ConnectionFailed(
            f"not a valid DSN: {mask_dsn(dsn)}",
            hint="use postgresql://user:password@host:port/dbname",
        ) from None
    known = {"host", "port", "user", "password", "dbname"}
    return Server(
        host=str(info.get("host") or "localhost"),
        port=int(info.get("port") or 5432),
        user=str(info.get("user") or "postgres"),
        password=str(info["password"]) if info.get("password") else None,
        dbname=str(info.get("dbname") or "postgres"),
        options={k: str(v) for k, v in info.items() if k not in known and v is not None},
    )
