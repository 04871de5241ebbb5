"""Ctrl-C and SIGTERM held for a moment and delivered after (POSIX; elsewhere a no-op)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this thread while the block runs; what arrived meanwhile
    is delivered when it ends. For moments an interruption must not split: Python's import
    lock taken by an import the exception cuts short, a server forked but its pid not yet
    known. Threads started inside keep them held for good (Python handles signals in the
    main thread only). Outside the main thread a signal is not raised here: nothing to do."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
