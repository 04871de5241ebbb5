"""Ctrl-C and SIGTERM held for a moment and delivered after (POSIX; elsewhere a no-op)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this thread while the block runs; what arrived meanwhile
    is delivered when it ends. For moments an interruption must not split: Python's import
    lock taken by an import the exception cuts short, a server forked but its pid not yet
    known. Threads started inside keep them held for good (Python handles signals in the
    main thread only, so in another thread holding them changes nothing)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
