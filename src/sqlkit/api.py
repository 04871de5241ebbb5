"""The public verbs as plain typed functions; the CLI is a thin layer over these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlkit.catalog.diff import DiffResult
from sqlkit.config import Settings, load_settings
from sqlkit.errors import InputError
from sqlkit.lint.engine import collect_inputs, lint
from sqlkit.lint.finding import LintResult
from sqlkit.lint.registry import Rule, get_rule, load_rules


def lint_paths(
    paths: Sequence[str],
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    stdin_data: bytes | None = None,
    jobs: int | None = None,
    cache: bool = True,
) -> LintResult:
    """Lint SQL files and directories (`-` reads standard input).

    Unchanged files are read back from the lint cache unless `cache` is false (or
    SQLKIT_NO_CACHE=1); see `sqlkit.lint.cache`.
    """
    from sqlkit.lint.cache import LintCache, cache_enabled

    settings = settings or load_settings()
    if not paths:
        defaults = [
            settings.folder(name) for name in ("migrations", "functions", "triggers", "policies")
        ]
        existing = [str(p) for p in defaults if p.is_dir()]
        if not existing:
            raise InputError(
                "nothing to lint: no paths given and no migrations/, functions/, "
                "triggers/ or policies/ folder here",
                hint="pass files or directories, e.g. `sqlkit lint migrations/`",
            )
        paths = [
            str(Path(p).relative_to(Path.cwd())) if Path(p).is_relative_to(Path.cwd()) else p
            for p in existing
        ]
    inputs = collect_inputs(paths, stdin_data)
    store = LintCache() if cache and cache_enabled() else None
    return lint(inputs, settings, select=select, ignore=ignore, jobs=jobs, cache=store)


def lint_database(
    dsn: str,
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> LintResult:
    """Lint what is deployed: the same rules on a model introspected from a live database."""
    from sqlkit.catalog.introspect import introspect
    from sqlkit.engines.base import parse_dsn
    from sqlkit.lint.engine import lint_model

    settings = settings or load_settings()
    server = parse_dsn(dsn)
    with server.session() as conn:
        model = introspect(conn, settings.target)
    return lint_model(model, settings, select=select, ignore=ignore)


def diff_database(
    dsn: str,
    *,
    settings: Settings | None = None,
    schemas: Sequence[str] = (),
    engine_name: str | None = None,
    scratch_dsn: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> DiffResult:
    """Compare what is deployed at `dsn` with the project applied to a scratch database."""
    import time

    from sqlkit.catalog.desired import desired_snapshot
    from sqlkit.catalog.diff import compare
    from sqlkit.catalog.snapshot import take_snapshot
    from sqlkit.engines.base import parse_dsn

    settings = settings or load_settings()
    step = on_step or (lambda _: None)
    started = time.perf_counter()
    step("reading the database")
    with parse_dsn(dsn).session() as conn:  # a bad DSN fails before any engine starts
        actual = take_snapshot(conn, schemas)
    introspected = time.perf_counter() - started
    expected = desired_snapshot(
        settings, schemas, engine_name=engine_name, scratch_dsn=scratch_dsn, on_step=on_step
    )
    desired = time.perf_counter() - started - introspected
    unknown = sorted(set(schemas) - actual.schemas - expected.schemas)
    if unknown:
        raise InputError(
            f"--schema {unknown[0]}: no such schema in the database or in git's state",
            hint="name a schema that exists on either side",
        )
    result = compare(expected, actual)
    result.actual = actual
    result.timings = {
        "introspect": introspected,
        "desired": desired,
        "total": time.perf_counter() - started,
    }
    return result


def pull_database(
    dsn: str,
    into: Path,
    *,
    schemas: Sequence[str] = (),
    force: bool = False,
) -> list[Path]:
    """Write every deployed function, view, trigger, policy and RLS flag as a file under `into`."""
    from sqlkit.catalog.pull import write_files
    from sqlkit.catalog.snapshot import take_snapshot
    from sqlkit.engines.base import parse_dsn

    with parse_dsn(dsn).session() as conn:
        snapshot = take_snapshot(conn, schemas)
    return write_files(snapshot, into, force=force)


def list_rules() -> list[Rule]:
    return list(load_rules().values())


def describe_rule(code: str) -> Rule:
    found = get_rule(code)
    if found is None:
        raise InputError(f"unknown rule {code!r}", hint="`sqlkit rules` lists every code")
    return found
