"""The stable JSON shape (version 1) of SPEC §3.4."""

from __future__ import annotations

import json
from typing import Any, TextIO

from sqlkit.lint.finding import LintResult


def to_json(result: LintResult) -> dict[str, Any]:
    return {
        "version": 1,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": result.summary.to_dict(),
    }


def write_json(result: LintResult, out: TextIO) -> None:
    json.dump(to_json(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
