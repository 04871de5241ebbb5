"""The `dsn` engine: an existing server; sqlkit works in a throwaway database it drops afterwards."""

from __future__ import annotations

import secrets

from sqlkit.engines.base import (
    Engine,
    Server,
    create_database,
    drop_database,
    parse_dsn,
    sweep_scratch_databases,
)


class DsnEngine(Engine):
    name = "dsn"

    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.server = parse_dsn(dsn)
        self.created: list[str] = []

    def start(self) -> Server:
        self.server.connect().close()  # fail early, with a clear error
        sweep_scratch_databases(self.server)  # what runs killed before they could clean up left
        return self.server

    def scratch_database(self, server: Server) -> str:
        name = f"sqlkit_verify_{secrets.token_hex(4)}"
        create_database(server, name)
        self.created.append(name)
        return name

    def track(self, name: str) -> None:
        self.created.append(name)

    def stop(self) -> None:
        while self.created:
            drop_database(self.server, self.created.pop())
