"""GitHub Actions workflow commands: `::error file=...,line=...::message`."""

from __future__ import annotations

from typing import TextIO

from sqlkit.lint.finding import LintResult

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(result: LintResult, out: TextIO) -> None:
    for f in result.findings:
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_column}",
                f"title={_escape_property(f'{f.code} {f.name}')}",
            ]
        )
        out.write(
            f"::{_LEVEL[f.severity]} {props}::{_escape_data(f'{f.message} (help: {f.help})')}\n"
        )
