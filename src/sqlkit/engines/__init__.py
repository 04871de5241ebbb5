"""Disposable Postgres servers: `resolve()` picks the engine; embedded (default), local, docker, dsn."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from sqlkit.config import ENGINE_NAMES, EngineName
from sqlkit.engines.base import Engine, Server, mask_dsn, mask_secrets
from sqlkit.errors import EngineError

if TYPE_CHECKING:
    from sqlkit.config import Settings

__all__ = ["ENGINE_NAMES", "Engine", "EngineName", "Server", "mask_dsn", "mask_secrets", "resolve"]


def engine_name(settings: Settings, name: str | None = None, dsn: str | None = None) -> EngineName:
    """Which engine: the name asked for (`--engine`), then $SQLKIT_ENGINE, then `dsn` when a
    server was given for it (`--dsn`, `--scratch-dsn`), then the project's `engine` setting."""
    chosen = name or os.environ.get("SQLKIT_ENGINE") or ("dsn" if dsn else settings.engine)
    if chosen not in ENGINE_NAMES:
        raise EngineError(
            f"unknown engine {chosen!r}", hint=f"use one of {', '.join(ENGINE_NAMES)}"
        )
    return chosen


def resolve(settings: Settings, name: str | None = None, dsn: str | None = None) -> Engine:
    """The engine to run a disposable server with (see `engine_name` for the precedence):
    the one prepared ahead for this command (`engines.ahead`) when it serves, else a new one.

    The dsn engine uses `dsn`, else $SQLKIT_DSN.
    """
    from sqlkit.engines.ahead import claim

    engine = new_engine(settings, name, dsn)
    return claim(engine) or engine


def new_engine(settings: Settings, name: str | None = None, dsn: str | None = None) -> Engine:
    """A new engine, as `resolve` picks it."""
    chosen = engine_name(settings, name, dsn)
    if chosen == "embedded":
        from sqlkit.engines.embedded import embedded_engine

        return embedded_engine()
    if chosen == "local":
        from sqlkit.engines.local import local_engine

        return local_engine(settings.postgres_bin)
    if chosen == "docker":
        from sqlkit.engines.docker import DockerEngine

        return DockerEngine(settings.docker_image)
    from sqlkit.engines.dsn import DsnEngine

    server = dsn or os.environ.get("SQLKIT_DSN")
    if not server:
        raise EngineError("the dsn engine needs a server", hint="pass --dsn URL or set SQLKIT_DSN")
    return DsnEngine(server)
