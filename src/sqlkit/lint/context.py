"""What lint's parts share: an input, what one file contributes, what a rule sees."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from sqlkit.config import Settings
from sqlkit.data import Builtins
from sqlkit.lint.finding import Finding, Fix, Note
from sqlkit.model.events import Event, Origin
from sqlkit.model.state import Function, Model
from sqlkit.sql.source import Span
from sqlkit.sql.values import search_path_schemas

if TYPE_CHECKING:
    from sqlkit.lint.registry import Rule
    from sqlkit.lint.suppress import Directive


@dataclass
class FileResult:
    """What one file contributes: events for the model, parse errors, directives."""

    path: str
    text: str
    statements: int
    statement_lines: list[tuple[int, int]]
    events: list[Event]
    parse_errors: list[tuple[Span, str]]
    directives: list[Directive]
    notes: list[Note] = field(default_factory=list)
    # how apply runs it: `-- sqlkit: no-transaction` on its first line, and the seconds of a
    # `-- sqlkit: lock-timeout=5s` directive in its header (sqlkit.files)
    no_transaction: bool = False
    lock_timeout: float | None = None


@dataclass(frozen=True)
class Observation:
    """What a database said about one object for rule `code` (a live check's row): lint makes
    it a finding named after the object, like those of a model introspected from it."""

    code: str
    object: str
    message: str
    help: str | None = None


T = TypeVar("T")


@dataclass
class LintContext:
    """What a rule sees: the final model, the files, the settings and built-in names."""

    settings: Settings
    model: Model
    files: list[FileResult]
    builtins: Builtins
    rules: dict[str, Rule]
    report_only: set[str] | None = None  # a partial run: the paths findings are reported for
    # what several rules work out from the model: computed once per run (`once`)
    _memo: dict[str, object] = field(default_factory=dict, repr=False)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for in this run; the same value after."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def reported_functions(self) -> Iterable[Function]:
        """The functions whose findings — at their CREATE, or in their body — this run
        reports: all of them, or in a partial run those defined in the given files (a rule
        whose finding can sit elsewhere, like an ALTER in another file, loops over all)."""
        functions = self.model.functions.values()
        if self.report_only is None:
            return functions
        return [f for f in functions if f.origin.path in self.report_only]

    def finding(
        self,
        code: str,
        where: Origin | tuple[str, Span],
        message: str,
        help: str | None = None,
        *,
        object: str | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        rule = self.rules[code]
        if isinstance(where, Origin):
            path, span = where.path, where.span
        else:
            path, span = where
        line, column, end_line, end_column = span
        return Finding(
            path,
            line,
            column,
            end_line,
            end_column,
            code,
            rule.name,
            rule.severity,
            message,
            help or rule.help,
            object,
            fix,
        )

    def is_exposed(self, schema: str) -> bool:
        return schema in self.settings.exposed_schemas

    def search_path_is_empty(self, value: str | None) -> bool:
        """True for `''`, `pg_catalog`, `pg_catalog, pg_temp`: nothing but the catalog resolves."""
        if value is None or value == "FROM CURRENT":
            return False
        return all(p in ("pg_catalog", "pg_temp") for p in search_path_schemas(value))
