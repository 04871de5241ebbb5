"""Lint engine: files → statements → events → model → rules → findings."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlkit.config import Settings
from sqlkit.data import Builtins, builtins
from sqlkit.errors import InputError
from sqlkit.files import order_key, sql_files
from sqlkit.lint.cache import LintCache, cacheable
from sqlkit.lint.finding import Finding, LintResult, Note, Summary
from sqlkit.lint.registry import Rule, expand_selectors, load_rules
from sqlkit.lint.suppress import Directive, find_directives
from sqlkit.model.events import Event, Origin, extract_events
from sqlkit.model.replay import replay
from sqlkit.model.state import Model
from sqlkit.sql.source import Source, Span, read_source
from sqlkit.sql.split import parse_statements


@dataclass
class LintInput:
    """One thing to lint: its display path and, for stdin, its bytes."""

    path: str
    data: bytes | None = None  # None: read the file at `path`


@dataclass
class FileResult:
    """What one file contributes: events for the model, parse errors, directives."""

    path: str
    text: str
    statements: int
    statement_lines: list[tuple[int, int]]
    events: list[Event]
    parse_errors: list[tuple[Span, str]]
    directives: list[Directive]
    notes: list[Note] = field(default_factory=list)


@dataclass
class LintContext:
    """What a rule sees: the final model, the files, the settings and built-in names."""

    settings: Settings
    model: Model
    files: list[FileResult]
    builtins: Builtins
    rules: dict[str, Rule]

    def finding(
        self, code: str, where: Origin | tuple[str, Span], message: str, help: str | None = None
    ) -> Finding:
        rule = self.rules[code]
        if isinstance(where, Origin):
            path, span = where.path, where.span
        else:
            path, span = where
        line, column, end_line, end_column = span
        return Finding(
            path,
            line,
            column,
            end_line,
            end_column,
            code,
            rule.name,
            rule.severity,
            message,
            help or rule.help,
        )

    def is_exposed(self, schema: str) -> bool:
        return schema in self.settings.exposed_schemas

    def search_path_is_empty(self, value: str | None) -> bool:
        """True for `''`, `pg_catalog`, `pg_catalog, pg_temp`: nothing but the catalog resolves."""
        if value is None:
            return False
        parts = [p.strip() for p in value.split(",") if p.strip()]
        return all(p in ("pg_catalog", "pg_temp") for p in parts)


# ----------------------------------------------------------------------- inputs
def collect_inputs(paths: Sequence[str], stdin_data: bytes | None = None) -> list[LintInput]:
    """Expand paths (files, directories, `-` for stdin) into lint inputs."""
    inputs: list[LintInput] = []
    for raw in paths:
        if raw == "-":
            inputs.append(LintInput("-", stdin_data if stdin_data is not None else b""))
            continue
        path = Path(raw)
        if path.is_dir():
            for file in sql_files(path):
                inputs.append(LintInput(os.path.join(raw, str(file.relative_to(path)))))
        elif path.is_file():
            inputs.append(LintInput(raw))
        else:
            raise InputError(
                f"{raw}: no such file or directory",
                hint="pass SQL files, directories, or - for standard input",
            )
    return inputs


def migration_order(inputs: list[LintInput], settings: Settings) -> list[LintInput]:
    """The order apply runs files in (`sqlkit.files`), then the rest by path."""
    return sorted(inputs, key=lambda item: order_key(item.path, settings))


# ----------------------------------------------------------------------- per file
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
    statements = parse_statements(source)
    # statement line ranges map findings to suppressions; only files with directives need them
    lines = (
        [
            (source.position(s.start)[0], source.position(max(s.end - 1, s.start))[0])
            for s in statements
        ]
        if "sqlkit:" in source.text
        else []
    )
    parse_errors = []
    for stmt in statements:
        if stmt.error is not None:
            message, offset = stmt.error
            parse_errors.append((source.span(offset), message))
    try:
        events = extract_events(source, statements)
    except Exception as exc:  # pragma: no cover - a bug; keep linting the other files
        events = []
        parse_errors.append(((1, 1, 1, 1), f"internal error while analysing this file: {exc!r}"))
    notes = [Note(item.path, 1, note) for note in source.notes]
    # Keep the text only where it cannot be read back from disk as linted (stdin, templates);
    # sending every file's text back from worker processes costs more than re-reading it.
    keep_text = item.data is not None or item.path.endswith(".sql.j2")
    return FileResult(
        path=item.path,
        text=source.text if keep_text else "",
        statements=len(statements),
        statement_lines=lines,
        events=events,
        parse_errors=parse_errors,
        directives=find_directives(source, lines),
        notes=notes,
    )


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


# -------------------------------------------------------------------------- lint
def enabled_rules(
    settings: Settings, select: Iterable[str] | None, ignore: Iterable[str] | None
) -> dict[str, Rule]:
    rules = load_rules()
    chosen = (
        expand_selectors(select, rules)
        if select
        else (
            expand_selectors(settings.select, rules)
            if settings.select
            else {code for code, r in rules.items() if r.stable}
        )
    )
    dropped = expand_selectors(list(ignore or ()) + list(settings.ignore), rules)
    for code, level in settings.severity.items():
        if code not in rules:
            raise InputError(
                f"severity override names unknown rule {code}",
                hint="see `sqlkit rules` for the codes",
            )
        if level == "off":
            dropped.add(code)
    out: dict[str, Rule] = {}
    for code in sorted(chosen - dropped):
        rule = rules[code]
        override = settings.severity.get(code)
        if override and override != "off":
            from dataclasses import replace

            rule = replace(rule, severity=override)
        out[code] = rule
    return out


def lint(
    inputs: list[LintInput],
    settings: Settings,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    jobs: int | None = None,
    cache: LintCache | None = None,
) -> LintResult:
    with paused_gc():
        return _lint(inputs, settings, select, ignore, jobs, cache)


def _lint(
    inputs: list[LintInput],
    settings: Settings,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    jobs: int | None,
    cache: LintCache | None,
) -> LintResult:
    rules = enabled_rules(settings, select, ignore)
    all_rules = load_rules()
    ordered = migration_order(inputs, settings)
    files = analyse_files(ordered, settings, jobs, cache)
    events = [event for file in files for event in file.events]
    model = replay(events, settings.target)
    ctx = LintContext(settings, model, files, builtins(), {**all_rules, **rules})
    findings = run_rules(ctx, rules)
    notes = [note for file in files for note in file.notes] + body_notes(model)
    findings = apply_suppressions(findings, files, rules, ctx)
    findings.sort(key=Finding.sort_key)
    summary = Summary(
        files=len(files),
        statements=sum(f.statements for f in files),
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        infos=sum(1 for f in findings if f.severity == "info"),
    )
    notes.sort(key=lambda n: (n.path, n.line))
    return LintResult(findings, summary, notes, {f.path: f.text for f in files if f.text})


def run_rules(ctx: LintContext, rules: dict[str, Rule]) -> list[Finding]:
    """Every enabled rule on the context; a crashing rule becomes a finding, not a dead run."""
    findings: list[Finding] = []
    for code, rule in rules.items():
        if rule.check is None:
            continue
        try:
            findings.extend(rule.check(ctx))
        except Exception as exc:
            findings.append(
                Finding(
                    "<sqlkit>",
                    1,
                    1,
                    1,
                    1,
                    code,
                    rule.name,
                    "error",
                    f"rule {code} crashed: {exc!r}; please report this bug",
                    "run with --verbose and report the traceback",
                )
            )
    return findings


def body_notes(model: Model) -> list[Note]:
    """Notes about function bodies the PL/pgSQL parser could not analyse."""
    return [
        Note(f.origin.path, span[0], f"{f.display}: {message}")
        for f in model.functions.values()
        if f.definition.body is not None
        for span, message in f.definition.body.notes
    ]


def lint_model(
    model: Model,
    settings: Settings,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> LintResult:
    """Run the rules on a model that did not come from files (a live database)."""
    with paused_gc():
        rules = enabled_rules(settings, select, ignore)
        ctx = LintContext(settings, model, [], builtins(), {**load_rules(), **rules})
        findings = sorted(run_rules(ctx, rules), key=Finding.sort_key)
        notes = body_notes(model)
        summary = Summary(
            files=0,
            statements=len(model.functions)
            + len(model.tables)
            + len(model.policies)
            + len(model.views),
            errors=sum(1 for f in findings if f.severity == "error"),
            warnings=sum(1 for f in findings if f.severity == "warning"),
            infos=sum(1 for f in findings if f.severity == "info"),
        )
        return LintResult(findings, summary, notes, {})


def apply_suppressions(
    findings: list[Finding], files: list[FileResult], rules: dict[str, Rule], ctx: LintContext
) -> list[Finding]:
    by_path = {file.path: file for file in files}
    kept: list[Finding] = []
    for finding in findings:
        file = by_path.get(finding.path)
        if file is None or not file.directives:
            kept.append(finding)
            continue
        if _suppressed(finding, file):
            continue
        kept.append(finding)
    if "SK001" in rules:
        from sqlkit.lint.rules.core.sk001_unknown_suppression import unused_suppressions

        kept.extend(unused_suppressions(ctx, files, rules))
    return kept


def _suppressed(finding: Finding, file: FileResult) -> bool:
    statement = None
    for index, (start, end) in enumerate(file.statement_lines):
        if start <= finding.line <= end:
            statement = index
            break
    for directive in file.directives:
        if finding.code not in directive.codes:
            continue
        if directive.kind == "ignore-file" or (
            directive.statement is not None and directive.statement == statement
        ):
            directive.used.add(finding.code)
            return True
    return False
