"""A finding is data: where, which rule, how bad, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    help: str
    # the qualified thing the finding is about (docs/lint.md#the-object-of-a-finding):
    # `schema.table`, `schema.function(argtypes)`, `schema.table.policy`, ...; None for a
    # finding about a statement rather than an object (SK000, SK001)
    object: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Summary:
    files: int = 0
    statements: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def of(cls, findings: list[Finding], *, files: int, statements: int) -> Summary:
        return cls(
            files=files,
            statements=statements,
            errors=sum(1 for f in findings if f.severity == "error"),
            warnings=sum(1 for f in findings if f.severity == "warning"),
            infos=sum(1 for f in findings if f.severity == "info"),
        )


@dataclass
class Note:
    """Something the user should know that is not a finding (e.g. a body not analysed)."""

    path: str
    line: int
    message: str
    important: bool = False  # shown without --verbose (e.g. a statement PostgreSQL rejects)


@dataclass
class LintResult:
    findings: list[Finding]
    summary: Summary
    notes: list[Note]
    sources: dict[str, str]  # path -> text kept in memory (stdin, rendered templates)

    def source_text(self, path: str) -> str:
        """The text a finding points into, for code frames (read again from disk if needed)."""
        if path in self.sources:
            return self.sources[path]
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def exit_code(self, fail_on: str) -> int:
        if fail_on == "never":
            return 0
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings) else 0
