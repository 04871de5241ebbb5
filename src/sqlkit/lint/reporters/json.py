"""The stable JSON shape (version 1) of SPEC §3.4."""

from __future__ import annotations

from typing import Any, TextIO

from sqlkit.lint.finding import LintResult


def to_json(result: LintResult) -> dict[str, Any]:
    return {
        "version": 1,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": result.summary.to_dict(),
    }


def dumps(data: dict[str, Any] | list[Any]) -> str:
    """Indented JSON text, non-ASCII kept: orjson when installed (a dependency; the same text
    as the stdlib's `json.dumps(indent=2, ensure_ascii=False)`, tested), the stdlib otherwise.
    In one piece: `json.dump` to a stream writes thousands of small chunks."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a declared dependency
        import json

        return json.dumps(data, indent=2, ensure_ascii=False)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")


def write_json(result: LintResult, out: TextIO) -> None:
    out.write(dumps(to_json(result)))
    out.write("\n")
