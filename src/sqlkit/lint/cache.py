"""A cache of file analyses keyed by content, so unchanged files are not parsed again.

What a file contributes to linting (its statements, events, parse errors and
suppression directives) depends only on its path, its bytes and sqlkit's own
code. An entry is keyed by the first two; the folder it lives in by a
fingerprint of every module of the installed package, so an upgrade or a local
edit of sqlkit starts afresh. Templates (`.sql.j2`) depend on settings and other
files and are never cached; neither is standard input.

A whole run is cached too: the result of linting exactly these files with exactly
these bytes, settings and rule selection (`run_key`). Running lint again on an
unchanged project reads that one entry and loads neither the parser nor the model.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlkit.config import cache_dir

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlkit.config import Settings
    from sqlkit.lint.context import FileResult
    from sqlkit.lint.finding import LintResult
    from sqlkit.lint.inputs import LintInput

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


@dataclass(frozen=True)
class RunKey:
    """A whole run's entry: `name` from the settings, rule selection and paths, `contents`
    from the files' bytes (so an edit replaces the entry instead of adding one)."""

    name: str
    contents: str


class LintCache:
    """One file per entry: workers write their own results; nothing is lost to a race."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_dir() / "lint" / code_fingerprint()

    @staticmethod
    def key(path: str, data: bytes) -> str:
        return hashlib.sha256(path.encode() + b"\0" + data).hexdigest()

    @staticmethod
    def run_key(
        inputs: list[LintInput],
        settings: Settings,
        select: Iterable[str] | None,
        ignore: Iterable[str] | None,
        report_only: set[str] | None,
    ) -> RunKey | None:
        """The key of a whole run, or None when it cannot be cached (standard input, a
        template, a file that cannot be read: the run itself reports that)."""
        run = hashlib.sha256(b"run\0")
        for name in sorted(settings.__dataclass_fields__):
            value = getattr(settings, name)
            if isinstance(value, frozenset):
                value = sorted(value)
            run.update(f"{name}={value!r}\0".encode())
        for part in (select, ignore, report_only):
            run.update(repr(None if part is None else sorted(part)).encode() + b"\0")
        contents = hashlib.sha256()
        for item in inputs:
            if item.data is not None or not cacheable(item.path):
                return None
            try:
                data = Path(item.path).read_bytes()
            except OSError:
                return None
            run.update(item.path.encode() + b"\0")
            contents.update(f"{len(data)}\0".encode() + data)
        return RunKey("run-" + run.hexdigest(), contents.hexdigest())

    def load_run(self, key: RunKey) -> LintResult | None:
        """The result of the last run with these inputs, if their bytes are still the same."""
        found = self._load(key.name, "tuple")
        if found is None or len(found) != 2 or found[0] != key.contents:
            return None
        return found[1] if type(found[1]).__name__ == "LintResult" else None

    def store_run(self, key: RunKey, result: LintResult) -> None:
        """One entry per project and selection, replaced when a file changes."""
        self.store(key.name, (key.contents, result))

    def load(self, key: str) -> FileResult | None:
        found: FileResult | None = self._load(key, "FileResult")
        return found

    def _load(self, key: str, kind: str) -> Any:
        try:
            with (self.folder / key).open("rb") as handle:
                found = pickle.load(handle)
        except Exception:  # missing, truncated or from elsewhere: do the work again
            return None
        return found if type(found).__name__ == kind else None

    def store(self, key: str, result: FileResult | tuple[str, LintResult]) -> None:
        """Write atomically; a cache that cannot be written is not an error."""
        import tempfile

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
        import shutil
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
