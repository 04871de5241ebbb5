"""Per-file analysis: parse one file into events, parse errors and directives; many files across
cores, with the cyclic GC paused and unchanged files read back from the lint cache."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlkit.config import Settings
from sqlkit.lint.cache import LintCache, cacheable
from sqlkit.lint.context import FileResult
from sqlkit.lint.finding import Note
from sqlkit.lint.inputs import LintInput
from sqlkit.lint.suppress import find_directives
from sqlkit.model.events import Event
from sqlkit.sql.source import Source, Span, read_source, unterminated_copy

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from sqlkit.sql.split import Statement


def analyse_file(
    item: LintInput, settings: Settings, cache: LintCache | None = None, jobs: int = 1
) -> FileResult:
    """Parse one file and extract its events; never raises for bad input. A large file is
    cut into `jobs` ranges analysed at once (see `_analyse_in_parallel`)."""
    try:
        data = item.data if item.data is not None else Path(item.path).read_bytes()
    except OSError as exc:
        return FileResult(
            item.path, "", 0, [], [], [((1, 1, 1, 1), f"cannot read file: {exc.strerror}")], []
        )
    result = _analyse_data(item, data, settings, jobs)
    if cache is not None and item.data is None and cacheable(item.path):
        # keyed by the bytes analysed here, so a file edited meanwhile cannot be mis-cached
        cache.store(cache.key(item.path, data), result)
    return result


def _analyse_data(item: LintInput, data: bytes, settings: Settings, jobs: int) -> FileResult:
    # the parser and extraction load here, on the first file analysed: a run whose files
    # all come from the cache never loads them
    from sqlkit.model.extract import KINDS
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
    text = source.parse_text
    if jobs > 1 and len(text) > PARALLEL_CHARS:
        parts = _analyse_in_parallel(source, directives_wanted, jobs)
    else:
        parts = [_analyse_batches(source, iter_statements(source, kinds=KINDS), directives_wanted)]
    count = sum(part.count for part in parts)
    # statement line ranges map findings to suppressions; only files with directives need them
    lines = [line for part in parts for line in part.lines]
    parse_errors = [error for part in parts for error in part.parse_errors]
    events = [event for part in parts for event in part.events]
    notes = [Note(item.path, 1, note) for note in source.notes]
    copy = unterminated_copy(source.text)
    if copy is not None:
        notes.append(
            Note(
                item.path,
                source.position(copy)[0],
                "COPY ... FROM STDIN with no line `\\.` after its data: psql reads the rest of "
                "the file as data, sqlkit lints it as SQL (and apply refuses COPY FROM STDIN)",
                important=True,
            )
        )
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
    except InputError as exc:  # "path:line: what": the note names the place itself
        where, _, what = exc.message.partition(": ")
        line = where.rpartition(":")[2]
        if not (where.startswith(source.path) and line.isdigit()):
            line, what = "1", exc.message
        notes.append(Note(source.path, int(line), what, important=True))
        return no_transaction, None
    return no_transaction, timeouts.get("lock-timeout")


# a file larger than this is cut into ranges analysed in parallel (when jobs allow)
PARALLEL_CHARS = 2_000_000
# files smaller than this in all are analysed in this process: starting workers and sending
# their events back costs more than the work (measured crossover: 0.2-0.5 MB on 2 cores)
PARALLEL_FILES_BYTES = 256_000
# the share of the file the parent analyses itself: it also unpickles the others' events
_PARENT_SHARE = 0.8


@dataclass
class _Part:
    """What one range of a file gave: statements, their lines, parse errors and events."""

    count: int = 0
    lines: list[tuple[int, int]] = field(default_factory=list)
    parse_errors: list[tuple[Span, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _analyse_batches(source: Source, batches: Iterable[list[Statement]], with_lines: bool) -> _Part:
    from sqlkit.model.extract import extract_events

    part = _Part()
    # batch by batch: a large file's parse trees are never all in memory at once
    for statements in batches:
        part.count += len(statements)
        if with_lines:
            part.lines += [
                (source.position(s.start)[0], source.position(max(s.end - 1, s.start))[0])
                for s in statements
            ]
        for stmt in statements:
            if stmt.error is not None:
                message, offset = stmt.error
                part.parse_errors.append((source.span(offset), message))
        try:
            part.events += extract_events(source, statements)
        except Exception as exc:  # pragma: no cover - a bug; keep linting the other files
            part.parse_errors.append(
                ((1, 1, 1, 1), f"internal error while analysing this file: {exc!r}")
            )
    return part


def _analyse_in_parallel(source: Source, with_lines: bool, jobs: int) -> list[_Part]:
    """Cut a large file at statement boundaries into `jobs` ranges: forked children analyse
    all but the first while this process analyses the first, then reads theirs back.

    The parent's range is smaller (it also unpickles the children's events, about a fifth
    of their analysis time). A child that fails or dies is redone here."""
    from multiprocessing import get_context

    from sqlkit.model.extract import KINDS
    from sqlkit.sql.split import cut_ranges, iter_range, statement_ends

    text = source.parse_text
    ends = statement_ends(text)
    share = 1 / jobs
    parent = share * _PARENT_SHARE
    others = (1 - parent) / (jobs - 1)
    ranges = cut_ranges(ends, [parent] + [others] * (jobs - 1))

    def run(first: int, last: int | None) -> _Part:
        return _analyse_batches(
            source, iter_range(text, ends, first, last, kinds=KINDS), with_lines
        )

    context = get_context("fork")
    children = []
    for first, last in ranges[1:]:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(send, run, first, last), daemon=True)
        process.start()
        send.close()
        children.append((receive, process, first, last))
    parts = [run(*ranges[0])]
    for receive, process, first, last in children:
        try:
            part = receive.recv()
        except (EOFError, OSError):
            part = None
        receive.close()
        process.join()
        parts.append(part if isinstance(part, _Part) else run(first, last))
    return parts


def _child(
    send: Connection, run: Callable[[int, int | None], _Part], first: int, last: int | None
) -> None:
    """A forked child: analyse its range and send the result (None when it failed)."""
    try:
        result: _Part | None = run(first, last)
    except BaseException:  # pragma: no cover - the parent redoes the range
        result = None
    try:
        send.send(result)
    finally:
        send.close()


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


def _is_large(item: LintInput) -> bool:
    return _size(item) > PARALLEL_CHARS


def _size(item: LintInput) -> int:
    if item.data is not None:
        return len(item.data)
    try:
        return os.stat(item.path).st_size
    except OSError:
        return 0


def free_cpus() -> int:
    """The cores no other process is running on right now: a second worker only helps on
    an idle core (on a busy machine two workers were slower than one). Linux counts the
    runnable tasks in /proc/loadavg (this process among them); elsewhere every core."""
    cpus = os.cpu_count() or 1
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            running = int(file.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return cpus
    return max(1, min(cpus, cpus - (running - 1)))


def _analyse(
    inputs: list[LintInput], settings: Settings, jobs: int | None, cache: LintCache | None
) -> list[FileResult]:
    jobs = jobs if jobs is not None else free_cpus()
    if jobs <= 1 or len(inputs) < 2 or sum(map(_size, inputs)) < PARALLEL_FILES_BYTES:
        return [analyse_file(item, settings, cache, jobs) for item in inputs]
    # a large file goes alone, cut into ranges across the cores, after the pool's batches
    large = {index for index, item in enumerate(inputs) if _is_large(item)}
    if large:
        rest = iter(
            _analyse([i for n, i in enumerate(inputs) if n not in large], settings, jobs, cache)
        )
        done = {n: analyse_file(inputs[n], settings, cache, jobs) for n in sorted(large)}
        return [done[n] if n in large else next(rest) for n in range(len(inputs))]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    size = max(1, len(inputs) // (jobs * 4))
    batches = [inputs[i : i + size] for i in range(0, len(inputs), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        results = pool.map(
            _analyse_batch, batches, [settings] * len(batches), [cache] * len(batches)
        )
        return [result for batch in results for result in batch]
