"""Output formats for lint results: text, json, sarif, github, gitlab."""

from __future__ import annotations

from typing import TextIO

from sqlkit.lint.finding import LintResult

FORMATS = ("text", "json", "sarif", "github", "gitlab")


def report(result: LintResult, fmt: str, out: TextIO, *, color: bool | None = None) -> None:
    """Write `result` in format `fmt`; only SARIF, which describes every rule, loads them."""
    if fmt == "json":
        from sqlkit.lint.reporters.json import write_json

        write_json(result, out)
    elif fmt == "sarif":
        from sqlkit.lint.registry import load_rules
        from sqlkit.lint.reporters.sarif import write_sarif

        write_sarif(result, out, load_rules())
    elif fmt == "github":
        from sqlkit.lint.reporters.github import write_github

        write_github(result, out)
    elif fmt == "gitlab":
        from sqlkit.lint.reporters.gitlab import write_gitlab

        write_gitlab(result, out)
    else:
        from sqlkit.lint.reporters.text import write_text

        write_text(result, out, color=color)
