"""`-- sqlkit: ignore CODE` (per statement) and `-- sqlkit: ignore-file CODE` directives:
found in a file, then applied to the findings (unused ones become SK001)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlkit.lint.finding import Finding
from sqlkit.sql.source import Source

if TYPE_CHECKING:
    from sqlkit.lint.context import FileResult, LintContext
    from sqlkit.lint.registry import Rule

_DIRECTIVE = re.compile(r"--\s*sqlkit:\s*(ignore-file|ignore)\b([^\n]*)", re.IGNORECASE)
_CODE = re.compile(r"\b[A-Za-z]{2}\d{3}\b")


@dataclass
class Directive:
    path: str
    line: int
    column: int
    end_column: int
    kind: str  # "ignore" | "ignore-file"
    codes: list[str]
    statement: int | None = None  # index of the statement it applies to (kind "ignore")
    used: set[str] = field(default_factory=set)


def find_directives(source: Source, statement_lines: list[tuple[int, int]]) -> list[Directive]:
    """Directives of a file, each `ignore` bound to the statement it precedes or starts."""
    text = source.text
    if "sqlkit:" not in text:
        return []
    directives: list[Directive] = []
    by_line: dict[int, Directive] = {}
    for match in _DIRECTIVE.finditer(text):
        line, column = source.position(match.start())
        rest = match.group(2)
        codes_part = rest.split("--", 1)[0]
        codes = [c.upper() for c in _CODE.findall(codes_part)]
        directive = Directive(
            source.path,
            line,
            column,
            column + len(match.group(0).rstrip()) - 1,
            match.group(1).lower(),
            codes,
        )
        directives.append(directive)
        by_line[line] = directive
    if not by_line:
        return directives
    for index, (start_line, _) in enumerate(statement_lines):
        # at the end of the statement's first line
        if start_line in by_line and by_line[start_line].kind == "ignore":
            by_line[start_line].statement = index
        # in the comment lines directly above the statement
        line = start_line - 1
        while line >= 1:
            stripped = source.line_text(line).strip()
            if not (
                stripped.startswith("--") or stripped.startswith("/*") or stripped.endswith("*/")
            ):
                break
            above = by_line.get(line)
            if above is not None and above.kind == "ignore" and above.statement is None:
                above.statement = index
            line -= 1
    return directives


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
