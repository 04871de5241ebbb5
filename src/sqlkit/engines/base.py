"""What every engine provides: a running server, databases on it, and certain cleanup."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlkit.errors import ConnectionFailed, EngineError, InputError, privilege_error

if TYPE_CHECKING:
    import psycopg

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_PASSWORD_KV = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+)", re.IGNORECASE)


def mask_dsn(text: str) -> str:
    """A DSN (URL or key=value form) safe to print, however malformed.

    In a URL everything between `://` and the last `@` is hidden (a password may hold
    spaces, `@` or `/` that were never percent-encoded), and in a text without `://` (a
    mistyped URL) everything before the last `@`, unless it is key=value pairs;
    `password=...` is hidden in either form.
    """
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest:
        text = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    elif not sep and "@" in text and "=" not in text.rsplit("@", 1)[0]:
        text = f"***@{text.rsplit('@', 1)[1]}"
    return _PASSWORD_KV.sub(r"\1***", text)


def mask_secrets(message: str) -> str:
    """Hide anything password-like in a message that may quote a DSN."""
    return _PASSWORD_KV.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***\3", message))


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
    ports: str | None = None  # a DSN's port list as written, when it names several hosts

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq keyword/value string (never printed: may hold a password)."""
        parts = {
            "host": self.host,
            "port": self.ports or str(self.port),
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
        return f"postgresql://{auth}@{host}:{self.ports or self.port}/{db}"

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
                f"cannot connect to {self.url(dbname, with_password=False)}: "
                f"{mask_secrets(str(exc).strip().splitlines()[0] if str(exc).strip() else 'no answer')}",
                hint="check that the server runs and the DSN is right",
            ) from None

    @contextlib.contextmanager
    def session(
        self, dbname: str | None = None, *, autocommit: bool = True
    ) -> Iterator[psycopg.Connection]:
        """A connection for sqlkit's own work: a privilege the role lacks becomes one line
        naming the GRANT that fixes it (a user's migration failing is reported elsewhere)."""
        with self.connect(dbname, autocommit=autocommit) as conn:
            try:
                yield conn
            except Exception as exc:
                if getattr(exc, "sqlstate", None) == "42501":
                    diag = getattr(exc, "diag", None)
                    message = getattr(diag, "message_primary", None) or str(exc)
                    raise privilege_error(message, self.user) from None
                raise


def _quote_kv(value: str) -> str:
    if value and all(c.isalnum() or c in "/._-:" for c in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


TEMPLATE_DB = "sqlkit_template"


class Engine:
    """A source of a disposable server. Use as a context manager: always cleaned up."""

    name = "engine"
    keep = False  # set before start() when the server must outlive sqlkit
    prepares = False  # prepare() does work worth starting early (`engines.ahead`)

    def __init__(self) -> None:
        # held while prepare() runs: a prepare() or stop() from another thread waits for it
        self.preparing = threading.RLock()

    def serves_as(self, other: Engine) -> bool:
        """Would this engine's server do where `other`'s was asked for?"""
        return False

    def prepare(self) -> None:
        """What start() does before it needs a server process (initdb): safe to run in another
        thread, so a caller can load its code meanwhile. start() prepares when nobody did."""

    def launch(self) -> None:
        """Set the server starting, without waiting for it: the caller works meanwhile, and
        start() waits. Call start() or stop() after it. Engines that cannot start in the
        background start in start()."""

    def start(self) -> Server:  # pragma: no cover - interface
        raise EngineError(f"the {self.name} engine cannot start servers")

    def stop(self) -> None:  # pragma: no cover - interface
        """Stop the server and remove everything it left."""

    def detach(self) -> None:
        """Leave the server running after this process ends (`--keep`)."""

    def scratch_database(self, server: Server) -> str:
        """The database sqlkit builds the project in. On a server of the engine's own it has a
        fixed name (`sqlkit_template`, which test clones copy); the dsn engine, on a shared
        server, makes a throwaway one instead."""
        # a copy of template1 file by file: on a server of its own, the checkpoints that
        # strategy costs are nothing, and it is 3-4 times as fast as the WAL_LOG default
        create_database(server, TEMPLATE_DB, template="template1")
        return TEMPLATE_DB

    @contextlib.contextmanager
    def running(self) -> Iterator[Server]:
        server = self.start()
        try:
            yield server
        finally:
            self.stop()


SCRATCH_MARKER = "sqlkit scratch database"


def scratch_comment() -> str:
    """What marks a database as sqlkit's own throwaway: where and by which process it was made."""
    import os
    import socket
    import time

    return f"{SCRATCH_MARKER}: host={socket.gethostname()} pid={os.getpid()} created={int(time.time())}"


def create_database(server: Server, name: str, template: str | None = None) -> None:
    """A database sqlkit owns, marked as such so a later run may remove it if this one dies."""
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
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(scratch_comment())
            )
        )


def sweep_scratch_databases(server: Server, *, max_age: float = 86400.0) -> list[str]:
    """Drop sqlkit's throwaway databases that a killed run left: marked as sqlkit's, nobody
    connected, and made by a process of this host that is gone (or older than `max_age`)."""
    import socket
    import time

    from psycopg import sql

    dropped: list[str] = []
    with server.connect() as conn:
        rows = conn.execute(
            "select d.datname, pg_catalog.shobj_description(d.oid, 'pg_database') "
            "from pg_catalog.pg_database d "
            "where d.datname ~ '^sqlkit_(verify|test|pytest)_[0-9a-f]+$' "
            "and pg_catalog.shobj_description(d.oid, 'pg_database') like %s "
            "and not exists (select 1 from pg_catalog.pg_stat_activity a where a.datname = d.datname)",
            (SCRATCH_MARKER + ":%",),
        ).fetchall()
        here = socket.gethostname()
        for name, comment in rows:
            fields = dict(
                part.split("=", 1) for part in comment.split(": ", 1)[1].split() if "=" in part
            )
            created = float(fields.get("created", "0") or 0)
            pid = fields.get("pid", "")
            gone = fields.get("host") == here and pid.isdigit() and not process_alive(int(pid))
            if gone or time.time() - created > max_age:
                try:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
                except Exception:  # someone connected meanwhile: leave it for a later run
                    continue
                dropped.append(name)
    return dropped


def process_alive(pid: int) -> bool:
    """Does process `pid` exist (on this host)?"""
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_database(server: Server, name: str) -> None:
    from psycopg import sql

    with server.connect() as conn:
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


def parse_dsn(dsn: str) -> Server:
    """A Server from a postgresql:// URL or a key=value DSN, parsed by libpq's own rules.

    Nothing of a DSN that does not parse is echoed but what `mask_dsn` leaves.
    """
    from psycopg.conninfo import conninfo_to_dict

    bad = InputError(
        f"not a valid DSN: {mask_dsn(dsn)}",
        hint="use postgresql://user:password@host:port/dbname (percent-encode special "
        "characters in the password) or key=value pairs",
    )
    if not dsn.strip() or ("://" in dsn and not dsn.startswith(("postgres://", "postgresql://"))):
        raise bad
    if "://" in dsn and dsn.split("?", 1)[0].count("@") > 1:
        raise bad  # an unencoded `@` in the password: libpq would read part of it as the host
    try:
        info = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:
        raise bad from None
    hosts = info.get("host", "localhost").split(",")
    ports = info.get("port", "5432").split(",")
    for port in ports:
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise InputError(
                f"not a valid DSN: port {port!r} is not a number from 1 to 65535 ({mask_dsn(dsn)})",
                hint="use postgresql://user:password@host:5432/dbname",
            )
    if len(ports) not in (1, len(hosts)):
        raise InputError(
            f"not a valid DSN: {len(hosts)} hosts but {len(ports)} ports ({mask_dsn(dsn)})",
            hint="give one port, or one per host",
        )
    known = {"host", "port", "user", "password", "dbname"}
    first_port = next((int(p) for p in ports if p), 5432)
    return Server(
        host=",".join(hosts),
        port=first_port,
        user=info.get("user", "postgres"),
        password=info.get("password") or None,
        dbname=info.get("dbname", "postgres"),
        options={k: v for k, v in info.items() if k not in known},
        ports=",".join(ports) if len(ports) > 1 or len(hosts) > 1 else None,
    )
