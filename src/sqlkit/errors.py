"""The one error hierarchy: each error knows its exit code and carries a fix-it message."""

from __future__ import annotations


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
