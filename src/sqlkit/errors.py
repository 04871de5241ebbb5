"""The one error hierarchy: each error knows its exit code and carries a fix-it message."""

from __future__ import annotations

import re


class SqlkitError(Exception):
    """A user-facing error: one line that names the problem and the fix."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(SqlkitError):
    """Bad configuration: unknown key, wrong type, unreadable file."""


class InputError(SqlkitError):
    """Bad input on the command line: missing path, unknown rule code, bad option value."""


class TemplateError(InputError):
    """A template failed to render or a variable would escape its position."""


class EngineError(SqlkitError):
    """A disposable Postgres could not be started or reached."""


class ConnectionFailed(SqlkitError):
    """A database named by a DSN could not be reached."""


class MigrationError(SqlkitError):
    """A migration failed; nothing of that file was kept."""

    exit_code = 1


class DriftError(SqlkitError):
    """What is deployed differs from what is in git."""

    exit_code = 1


class VerificationFailed(SqlkitError):
    """A verification test failed."""

    exit_code = 1


class PrivilegeError(SqlkitError):
    """The database refused: the connecting role lacks a privilege sqlkit needs."""


class BuildError(SqlkitError):
    """The project's own files cannot be built into a database (diff's scratch copy of git)."""


class Interrupted(SqlkitError):
    """Ctrl-C or SIGTERM: what was done and what was not."""

    exit_code = 130


_DENIED = re.compile(
    r'permission denied for (schema|table|database|sequence|function|relation) "?([^"\s]+)"?'
)
_GRANTS = {
    "schema": "GRANT USAGE, CREATE ON SCHEMA {name} TO {role}",
    "table": "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {name} TO {role}",
    "relation": "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {name} TO {role}",
    "sequence": "GRANT USAGE ON SEQUENCE {name} TO {role}",
    "database": "GRANT CREATE ON DATABASE {name} TO {role}",
    "function": "GRANT EXECUTE ON FUNCTION {name} TO {role}",
}


def privilege_error(message: str, role: str | None) -> PrivilegeError:
    """A refused privilege as one line, with the GRANT that fixes it when the server named it."""
    first = " ".join(message.split()) or "permission denied"
    match = _DENIED.search(first)
    who = role or "<your role>"
    if match is None:
        return PrivilegeError(
            f"the database refused: {first}",
            hint=f"connect as a role that may do this, or grant {who} the privilege",
        )
    kind, name = match.groups()
    if kind in ("table", "relation", "sequence") and name == "schema_history":
        name = "sqlkit.schema_history"
    grant = _GRANTS[kind].format(name=name, role=who)
    return PrivilegeError(
        f"the database refused: {first}",
        hint=f"as the owner of {name}, run: {grant}; or connect as a role that has it",
    )


def database_error(exc: BaseException) -> SqlkitError | None:
    """A psycopg error the user can act on (a refused privilege, a lost connection) as one line."""
    if not type(exc).__module__.startswith("psycopg"):
        return None
    diag = getattr(exc, "diag", None)
    sqlstate = getattr(exc, "sqlstate", None) or getattr(diag, "sqlstate", None)
    primary = getattr(diag, "message_primary", None) or str(exc).strip().splitlines()[0:1]
    text = primary if isinstance(primary, str) else " ".join(primary)
    if sqlstate == "42501":
        pgconn = getattr(exc, "pgconn", None)
        user = getattr(pgconn, "user", None) if pgconn is not None else None
        return privilege_error(text, user.decode() if isinstance(user, bytes) else None)
    if type(exc).__name__ == "OperationalError" or (sqlstate or "").startswith(("08", "57P")):
        return ConnectionFailed(
            f"the database connection failed: {text or 'no answer'}",
            hint="check that the server runs and is reachable; nothing more was done",
        )
    return None
