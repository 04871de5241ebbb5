"""Disposable Postgres servers: embedded (default), local, docker, dsn."""

from sqlkit.engines.base import Engine, Server, engine_for, mask_dsn, mask_secrets

__all__ = ["Engine", "Server", "engine_for", "mask_dsn", "mask_secrets"]
