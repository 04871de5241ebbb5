"""The state git describes: the project built in a scratch database, then snapshotted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlkit.config import Settings
from sqlkit.engines import resolve
from sqlkit.errors import BuildError, MigrationError
from sqlkit.files import discover
from sqlkit.live.snapshot import Snapshot, take_snapshot
from sqlkit.migrate.build import build


def desired_snapshot(
    settings: Settings,
    schemas: Sequence[str] = (),
    *,
    engine_name: str | None = None,
    scratch_dsn: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Snapshot:
    """Render and apply every migration and definition to a disposable Postgres; read it back."""
    step = on_step or (lambda _: None)
    files = discover(settings)  # bad input fails before anything starts
    engine = resolve(settings, engine_name, scratch_dsn)
    step(f"starting the {engine.name} engine")
    with engine.running() as server:
        dbname = engine.scratch_database(server)
        step(f"applying {len(files)} file(s) to a scratch database")
        try:
            build(server, dbname, settings, engine=engine.name, files=files)
        except MigrationError as exc:
            raise BuildError(
                exc.message,
                hint="git's state cannot be built from the project's files; fix that file "
                "(`sqlkit verify` fails on it the same way)",
            ) from None
        with server.session(dbname) as conn:
            return take_snapshot(conn, schemas)
