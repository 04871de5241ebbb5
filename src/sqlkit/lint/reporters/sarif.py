"""SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

from typing import Any, TextIO

from sqlkit import __version__
from sqlkit.lint.finding import Fix, LintResult
from sqlkit.lint.registry import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS_URL = "https://github.com/sqlkit-dev/sqlkit/blob/main/docs/rules/{code}.md"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(result: LintResult, rules: dict[str, Rule]) -> dict[str, Any]:
    used = sorted({f.code for f in result.findings} | set(rules))
    index = {code: i for i, code in enumerate(used)}
    sarif_rules = []
    for code in used:
        rule = rules.get(code)
        if rule is None:
            continue
        sarif_rules.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary or rule.name},
                "fullDescription": {
                    "text": rule.section("Why is this bad?") or rule.summary or rule.name
                },
                "help": {"text": rule.help, "markdown": rule.doc},
                "helpUri": DOCS_URL.format(code=code),
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                "properties": {"tags": ["security" if code[2] in "13" else "correctness"]},
            }
        )
    results = []
    for f in result.findings:
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(f.path)},
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column + 1,
                },
            }
        }
        if f.object is not None:
            # the object the finding is about: what a dashboard or baseline keys on
            location["logicalLocations"] = [
                {"fullyQualifiedName": f.object, "name": _local_name(f.object)}
            ]
        entry: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. Help: {f.help}"},
            "locations": [location],
        }
        if f.fix is not None and f.fix.applicable:
            entry["fixes"] = [_fix(f.fix)]
        results.append(entry)
    notifications = [
        {
            "level": "note",
            "message": {"text": n.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": n.path},
                        "region": {"startLine": n.line},
                    }
                }
            ],
        }
        for n in result.notes
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sqlkit",
                        "version": __version__,
                        "informationUri": "https://github.com/sqlkit-dev/sqlkit",
                        "rules": sarif_rules,
                    }
                },
                "invocations": [
                    {"executionSuccessful": True, "toolExecutionNotifications": notifications}
                ],
                "results": results,
                # columns count characters (code points), not SARIF's default UTF-16 units:
                # they differ after a character outside the Basic Multilingual Plane (emoji)
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _fix(fix: Fix) -> dict[str, Any]:
    """A SARIF fix: the edits grouped by file, each a deleted region (empty for an insertion:
    its end is its start) and the text inserted there."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(
            {
                "deletedRegion": {
                    "startLine": edit.line,
                    "startColumn": edit.column,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_column,
                },
                "insertedContent": {"text": edit.content},
            }
        )
    safety = "safe" if fix.safe else "unsafe: changes behaviour, applied with --unsafe-fixes"
    return {
        "description": {"text": f"{fix.description} ({safety})"},
        "artifactChanges": [
            {"artifactLocation": {"uri": _uri(path)}, "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def _uri(path: str) -> str:
    return path.replace("\\", "/") if path != "-" else "stdin"


def _local_name(qualified: str) -> str:
    """`f(uuid)` of `public.f(uuid)`, `p` of `public.t.p`: the last part of an object's name."""
    head, _, args = qualified.partition("(")
    return head.rsplit(".", 1)[-1] + (f"({args}" if args else "")


def write_sarif(result: LintResult, out: TextIO, rules: dict[str, Rule]) -> None:
    from sqlkit.lint.reporters.json import dumps

    out.write(dumps(to_sarif(result, rules)))
    out.write("\n")
