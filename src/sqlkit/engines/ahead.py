"""Engines prepared before their command asks: `sqlkit verify` and `sqlkit diff` start initdb
(or the copy of its cache) while the command line loads, and `resolve` hands the result over.

An engine prepared ahead that no command claims (an error, other options than guessed) is
stopped and its directory removed when the process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from pathlib import Path

from sqlkit.engines.base import Engine

_LOCK = threading.Lock()
_UNCLAIMED: list[Engine] = []
_THREADS: list[threading.Thread] = []


def prepare_ahead(config: Path | None, name: str | None, dsn: str | None) -> None:
    """Prepare, in a thread of its own, the engine `resolve(load_settings(config), name, dsn)`
    would give. Nothing fails here: a problem is the command's to find and report."""
    thread = threading.Thread(
        target=_prepare, args=(config, name, dsn), name="sqlkit-prepare-ahead", daemon=True
    )
    with _LOCK:
        if not _THREADS:
            atexit.register(_discard_unclaimed)
        _THREADS.append(thread)
    thread.start()


def _prepare(config: Path | None, name: str | None, dsn: str | None) -> None:
    from sqlkit.config import load_settings
    from sqlkit.engines import new_engine

    try:
        engine = new_engine(load_settings(config_file=config), name, dsn)
    except Exception:
        return
    if not engine.prepares:
        return
    # held from before the engine can be claimed: a claimer's prepare() and the exit's
    # stop() wait for this preparation instead of racing it
    with engine.preparing:
        with _LOCK:
            _UNCLAIMED.append(engine)
        with contextlib.suppress(Exception):  # the command's own prepare() reports it
            engine.prepare()


def claim(engine: Engine) -> Engine | None:
    """An engine prepared ahead that serves as `engine` would, now the caller's."""
    with _LOCK:
        for index, waiting in enumerate(_UNCLAIMED):
            if waiting.serves_as(engine):
                return _UNCLAIMED.pop(index)
    return None


def _discard_unclaimed() -> None:
    """At exit: wait for what is being prepared, then stop what nobody claimed."""
    try:
        for thread in _THREADS:
            thread.join()
        with _LOCK:
            engines = list(_UNCLAIMED)
            _UNCLAIMED.clear()
        for engine in engines:
            engine.stop()
    except KeyboardInterrupt:  # a second Ctrl-C: the next run sweeps what is left
        pass
