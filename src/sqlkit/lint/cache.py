"""A cache of file analyses keyed by content, so unchanged files are not parsed again.

What a file contributes to linting (its statements, events, parse errors and
suppression directives) depends only on its path, its bytes and sqlkit's own
code. An entry is keyed by the first two; the folder it lives in by a
fingerprint of every module of the installed package, so an upgrade or a local
edit of sqlkit starts afresh. Templates (`.sql.j2`) depend on settings and other
files and are never cached; neither is standard input.

Entries are pickles, so they live in the user's cache directory
($SQLKIT_CACHE_DIR, else $XDG_CACHE_HOME/sqlkit or ~/.cache/sqlkit), never in
the project: a pickle must not come from a repository someone else wrote.
`--no-cache` or SQLKIT_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlkit.config import cache_dir

if TYPE_CHECKING:
    from sqlkit.lint.context import FileResult

MAX_ENTRIES = 20_000  # beyond this, the folder is emptied and refilled by later runs
STALE_AFTER = 7 * 24 * 3600  # seconds: another version's folder unused this long is removed


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever any module or data file of the sqlkit package changes."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".sql") and "__pycache__" not in path.parts:
            stat = path.stat()
            line = f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n"
            digest.update(line.encode())
    return digest.hexdigest()[:20]


def cache_enabled() -> bool:
    return os.environ.get("SQLKIT_NO_CACHE", "") in ("", "0")


def cacheable(path: str) -> bool:
    return path != "-" and not path.endswith(".sql.j2")


class LintCache:
    """One file per entry: workers write their own results; nothing is lost to a race."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_dir() / "lint" / code_fingerprint()

    @staticmethod
    def key(path: str, data: bytes) -> str:
        return hashlib.sha256(path.encode() + b"\0" + data).hexdigest()

    def load(self, key: str) -> FileResult | None:
        try:
            with (self.folder / key).open("rb") as handle:
                found = pickle.load(handle)
        except Exception:  # missing, truncated or from elsewhere: analyse the file again
            return None
        return found if type(found).__name__ == "FileResult" else None

    def store(self, key: str, result: FileResult) -> None:
        """Write atomically; a cache that cannot be written is not an error."""
        with contextlib.suppress(Exception):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.folder / key)
            finally:
                Path(temp).unlink(missing_ok=True)

    def tidy(self) -> None:
        """Remove folders of other sqlkit versions unused for a week (two checkouts of different
        versions on one machine must not empty each other's cache), and this one when it has
        grown too big."""
        import time

        with contextlib.suppress(OSError):
            parent = self.folder.parent
            if not parent.is_dir():
                return
            stale = time.time() - STALE_AFTER
            for other in parent.iterdir():
                if other != self.folder and other.is_dir() and other.stat().st_mtime < stale:
                    shutil.rmtree(other, ignore_errors=True)
            if self.folder.is_dir() and sum(1 for _ in self.folder.iterdir()) > MAX_ENTRIES:
                shutil.rmtree(self.folder, ignore_errors=True)
