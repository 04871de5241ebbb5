"""The state git describes: the project built in a scratch database, then snapshotted."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from sqlkit.config import Settings
from sqlkit.engines import resolve
from sqlkit.errors import BuildError, MigrationError
from sqlkit.files import discover
from sqlkit.live.snapshot import Snapshot, take_snapshot
from sqlkit.migrate.apply import check_files
from sqlkit.migrate.build import build


def desired_snapshot(
    settings: Settings,
    schemas: Sequence[str] = (),
    *,
    engine_name: str | None = None,
    scratch_dsn: str | None = None,
    on_step: Callable[[str], None] | None = None,
    timings: dict[str, float] | None = None,
) -> Snapshot:
    """Render and apply every migration and definition to a disposable Postgres; read it back.

    `timings`, when given, gets the seconds of each part: engine, build, read.
    """
    step = on_step or (lambda _: None)
    spent = timings if timings is not None else {}
    files = discover(settings)  # bad input fails before anything starts
    engine = resolve(settings, engine_name, scratch_dsn)
    step(f"starting the {engine.name} engine")
    started = time.perf_counter()
    try:
        engine.launch()
        parsed = check_files(files)  # while the server starts
    except BaseException:
        engine.stop()
        raise
    with engine.running() as server:
        dbname = engine.scratch_database(server)
        spent["engine"] = time.perf_counter() - started
        step(f"applying {len(files)} file(s) to a scratch database")
        started = time.perf_counter()
        try:
            build(server, dbname, settings, engine=engine.name, files=files, parsed=parsed)
        except MigrationError as exc:
            raise BuildError(
                exc.message,
                hint="git's state cannot be built from the project's files; fix that file "
                "(`sqlkit verify` fails on it the same way)",
            ) from None
        spent["build"] = time.perf_counter() - started
        started = time.perf_counter()
        with server.session(dbname) as conn:
            snapshot = take_snapshot(conn, schemas)
        spent["read git"] = time.perf_counter() - started
        return snapshot
