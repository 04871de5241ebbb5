"""Per-file analysis: parse one file into events, parse errors and directives; many files across
cores, with the cyclic GC paused and unchanged files read back from the lint cache."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlkit.config import Settings
from sqlkit.lint.cache import LintCache, cacheable
from sqlkit.lint.context import FileResult, LintInput
from sqlkit.lint.finding import Note
from sqlkit.lint.suppress import find_directives
from sqlkit.model.events import Event
from sqlkit.sql.source import Source, Span, read_source


def analyse_file(item: LintInput, settings: Settings, cache: LintCache | None = None) -> FileResult:
    """Parse one file and extract its events; never raises for bad input."""
    try:
        data = item.data if item.data is not None else Path(item.path).read_bytes()
    except OSError as exc:
        return FileResult(
            item.path, "", 0, [], [], [((1, 1, 1, 1), f"cannot read file: {exc.strerror}")], []
        )
    result = _analyse_data(item, data, settings)
    if cache is not None and item.data is None and cacheable(item.path):
        # keyed by the bytes analysed here, so a file edited meanwhile cannot be mis-cached
        cache.store(cache.key(item.path, data), result)
    return result


def _analyse_data(item: LintInput, data: bytes, settings: Settings) -> FileResult:
    # the parser and extraction load here, on the first file analysed: a run whose files
    # all come from the cache never loads them
    from sqlkit.model.extract import KINDS, extract_events
    from sqlkit.sql.split import iter_statements

    source = read_source(item.path, data)
    if item.path.endswith(".sql.j2"):
        from sqlkit.render.render import Renderer

        try:
            rendered = Renderer.for_settings(settings).render_text(source.text, item.path)
        except Exception as exc:  # a template error is a finding, not a crash
            return FileResult(
                item.path,
                source.text,
                0,
                [],
                [],
                [((1, 1, 1, 1), f"template could not be rendered: {exc}")],
                [],
            )
        source = Source(path=item.path, text=rendered, notes=source.notes)
    directives_wanted = "sqlkit:" in source.text
    # statement line ranges map findings to suppressions; only files with directives need them
    lines: list[tuple[int, int]] = []
    parse_errors: list[tuple[Span, str]] = []
    events: list[Event] = []
    count = 0
    # batch by batch: a large file's parse trees are never all in memory at once
    for statements in iter_statements(source, kinds=KINDS):
        count += len(statements)
        if directives_wanted:
            lines += [
                (source.position(s.start)[0], source.position(max(s.end - 1, s.start))[0])
                for s in statements
            ]
        for stmt in statements:
            if stmt.error is not None:
                message, offset = stmt.error
                parse_errors.append((source.span(offset), message))
        try:
            events += extract_events(source, statements)
        except Exception as exc:  # pragma: no cover - a bug; keep linting the other files
            parse_errors.append(
                ((1, 1, 1, 1), f"internal error while analysing this file: {exc!r}")
            )
    notes = [Note(item.path, 1, note) for note in source.notes]
    no_transaction, lock_timeout = _how_applied(source, notes)
    # Keep the text only where it cannot be read back from disk as linted (stdin, templates);
    # sending every file's text back from worker processes costs more than re-reading it.
    keep_text = item.data is not None or item.path.endswith(".sql.j2")
    return FileResult(
        path=item.path,
        text=source.text if keep_text else "",
        statements=count,
        statement_lines=lines,
        events=events,
        parse_errors=parse_errors,
        directives=find_directives(source, lines),
        notes=notes,
        no_transaction=no_transaction,
        lock_timeout=lock_timeout,
    )


def _how_applied(source: Source, notes: list[Note]) -> tuple[bool, float | None]:
    """The file's no-transaction marker and lock-timeout directive, read as apply reads them
    (a directive apply would refuse becomes a note: the file will not apply as it is)."""
    from sqlkit.errors import InputError
    from sqlkit.files import NO_TRANSACTION, file_timeouts

    no_transaction = bool(NO_TRANSACTION.match(source.text))
    try:
        timeouts = file_timeouts(source.text, source.path)
    except InputError as exc:
        notes.append(Note(source.path, 1, exc.message, important=True))
        return no_transaction, None
    return no_transaction, timeouts.get("lock-timeout")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parse trees are built.

    Parse trees are many small acyclic dicts: reference counting frees them, but
    each collection would rescan every live object, which makes linting a large
    project quadratic. Nothing here creates reference cycles that need the GC.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyse_batch(
    batch: list[LintInput], settings: Settings, cache: LintCache | None
) -> list[FileResult]:
    with paused_gc():
        return [analyse_file(item, settings, cache) for item in batch]


def _cached(item: LintInput, cache: LintCache) -> FileResult | None:
    if item.data is not None or not cacheable(item.path):
        return None
    try:
        data = Path(item.path).read_bytes()
    except OSError:
        return None
    return cache.load(cache.key(item.path, data))


def analyse_files(
    inputs: list[LintInput],
    settings: Settings,
    jobs: int | None = None,
    cache: LintCache | None = None,
) -> list[FileResult]:
    """Analyse files (those unchanged since a cached run are read back), across cores."""
    found = [_cached(item, cache) for item in inputs] if cache is not None else [None] * len(inputs)
    todo = [item for item, hit in zip(inputs, found, strict=True) if hit is None]
    if todo and cache is not None:
        cache.tidy()
    fresh = iter(_analyse(todo, settings, jobs, cache))
    return [hit if hit is not None else next(fresh) for hit in found]


def _analyse(
    inputs: list[LintInput], settings: Settings, jobs: int | None, cache: LintCache | None
) -> list[FileResult]:
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(inputs) < 8:
        return [analyse_file(item, settings, cache) for item in inputs]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    size = max(1, len(inputs) // (jobs * 4))
    batches = [inputs[i : i + size] for i in range(0, len(inputs), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        results = pool.map(
            _analyse_batch, batches, [settings] * len(batches), [cache] * len(batches)
        )
        return [result for batch in results for result in batch]
