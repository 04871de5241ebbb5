"""A finding is data: where, which rule, how bad, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to, not including, (end_line, end_column) with
    `content`; equal ends make an insertion. Lines and columns are 1-based characters of the
    file as linted (a BOM left out), as in a SARIF text region; the rule writes `\n` for a
    line break and the file's own line ending is used when the edit is applied."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @property
    def start(self) -> tuple[int, int]:
        return (self.line, self.column)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_line, self.end_column)


@dataclass(frozen=True)
class Fix:
    """How to make a finding go away by editing text, produced by the rule that knows it.

    `safe`: the fixed code does what the code did for every caller the author meant to
    serve, and differs only in the defect the finding names; an unsafe fix changes behaviour
    (who can read a table, a NULL now denied) and is applied only with `--unsafe-fixes`.
    `refused`: why this finding gets no edits although its rule can fix others (a name that
    cannot be resolved with certainty, a statement inside a DO block); `edits` is then empty.
    """

    description: str
    edits: tuple[Edit, ...] = ()
    safe: bool = True
    refused: str | None = None

    @property
    def applicable(self) -> bool:
        return self.refused is None and bool(self.edits)

    @classmethod
    def refuse(cls, description: str, why: str, *, safe: bool = True) -> Fix:
        return cls(description, (), safe, why)


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
    fix: Fix | None = None  # text edits that remove it, where the rule knows them

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: `asdict`'s, built directly (asdict deep-copies every value: a third
        of writing 3,000 findings)."""
        out = {name: getattr(self, name) for name in _FINDING_FIELDS}
        fix = self.fix
        if fix is not None:
            out["fix"] = {
                "description": fix.description,
                "edits": [{name: getattr(e, name) for name in _EDIT_FIELDS} for e in fix.edits],
                "safe": fix.safe,
                "refused": fix.refused,
            }
        return out


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
    unparsable: set[str] = field(default_factory=set)  # paths with a statement the parser rejects

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


_FINDING_FIELDS = tuple(Finding.__dataclass_fields__)
_EDIT_FIELDS = tuple(Edit.__dataclass_fields__)
