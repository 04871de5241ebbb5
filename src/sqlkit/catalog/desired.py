"""The state git describes: the project applied to a scratch database, then snapshotted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlkit.catalog.snapshot import Snapshot, take_snapshot
from sqlkit.config import Settings
from sqlkit.engines.base import Engine, engine_for
from sqlkit.engines.shim import install_shim
from sqlkit.errors import BuildError, MigrationError
from sqlkit.files import discover
from sqlkit.migrate.apply import apply_files


def desired_snapshot(
    settings: Settings,
    schemas: Sequence[str] = (),
    *,
    engine_name: str | None = None,
    scratch_dsn: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Snapshot:
    """Render and apply every migration and definition to a disposable Postgres; read it back."""
    from sqlkit.verify.runner import check_extensions

    step = on_step or (lambda _: None)
    name = engine_name or ("dsn" if scratch_dsn else settings.engine)
    files = discover(settings)  # bad input fails before anything starts
    engine: Engine = engine_for(name, settings, dsn=scratch_dsn)
    step(f"starting the {name} engine")
    with engine.running() as server:
        dbname = engine.scratch_database(server)
        step(f"applying {len(files)} file(s) to a scratch database")
        with server.connect(dbname) as conn:
            check_extensions(conn, files, name)
            install_shim(conn, settings.target, settings.exposed_schemas)
            try:
                apply_files(conn, settings, files=files)
            except MigrationError as exc:
                raise BuildError(
                    exc.message,
                    hint="git's state cannot be built from the project's files; fix that file "
                    "(`sqlkit verify` fails on it the same way)",
                ) from None
            return take_snapshot(conn, schemas)
