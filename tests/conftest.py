"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlkit.config import Settings, settings_from_table
from sqlkit.lint.engine import lint
from sqlkit.lint.finding import LintResult
from sqlkit.lint.inputs import LintInput

ROOT = Path(__file__).resolve().parent.parent


def lint_text(
    sql: str | bytes,
    config: dict | None = None,
    *,
    path: str = "case.sql",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> LintResult:
    """Lint one SQL text with the given [tool.sqlkit] settings."""
    settings = settings_from_table(config or {}, Path.cwd(), None) if config else Settings()
    data = sql.encode("utf-8") if isinstance(sql, str) else sql
    return lint([LintInput(path, data)], settings, select=select, ignore=ignore, jobs=1)


@pytest.fixture
def root() -> Path:
    return ROOT
