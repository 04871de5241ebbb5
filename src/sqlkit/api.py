"""The public verbs as plain typed functions; the CLI is a thin layer over these."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
) -> LintResult:
    """Lint SQL files and directories (`-` reads standard input)."""
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
    return lint(inputs, settings, select=select, ignore=ignore, jobs=jobs)


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
    with server.connect() as conn:
        model = introspect(conn, settings.target)
    return lint_model(model, settings, select=select, ignore=ignore)


def list_rules() -> list[Rule]:
    return list(load_rules().values())


def describe_rule(code: str) -> Rule:
    found = get_rule(code)
    if found is None:
        raise InputError(f"unknown rule {code!r}", hint="`sqlkit rules` lists every code")
    return found
