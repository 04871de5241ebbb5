"""GitLab Code Quality: the JSON array a merge request shows inline (`artifacts:reports:
codequality`), a subset of the Code Climate issue format."""

from __future__ import annotations

import hashlib
from typing import Any, TextIO

from sqlkit.lint.finding import LintResult

# GitLab's scale is info < minor < major < critical < blocker; an sqlkit error is an attack
# or a certain failure (docs/rules/README.md), which GitLab calls critical
_SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def to_gitlab(result: LintResult) -> list[dict[str, Any]]:
    """One issue per finding. The fingerprint (how GitLab matches an issue between the merge
    request and its target branch) is made of the path, the rule and the finding's object, not
    its line, so an edit above it does not make it look fixed and new; findings that share all
    three are told apart by their order."""
    seen: dict[str, int] = {}
    issues = []
    for f in result.findings:
        where = f.object if f.object is not None else f"line {f.line}"
        base = hashlib.sha256(f"{f.path}\0{f.code}\0{where}\0{f.message}".encode()).hexdigest()
        count = seen[base] = seen.get(base, 0) + 1
        fingerprint = (
            base if count == 1 else hashlib.sha256(f"{base}\0{count}".encode()).hexdigest()
        )
        issues.append(
            {
                "description": f"{f.code} {f.message} (help: {f.help})",
                "check_name": f"{f.code} {f.name}",
                "fingerprint": fingerprint[:32],
                "severity": _SEVERITY[f.severity],
                "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
            }
        )
    return issues


def write_gitlab(result: LintResult, out: TextIO) -> None:
    from sqlkit.lint.reporters.json import dumps

    out.write(dumps(to_gitlab(result)))
    out.write("\n")
