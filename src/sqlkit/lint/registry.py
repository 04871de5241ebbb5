"""The rule registry: codes, names, severities, docs, and the functions that detect."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlkit.errors import InputError

if TYPE_CHECKING:
    from sqlkit.config import Settings
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

Check = Callable[["LintContext"], Iterable["Finding"]]


@dataclass(frozen=True)
class RuleOption:
    """A setting a rule reads, declared by the rule: `[tool.sqlkit] <name> = [...]`.

    `make docs` writes every declared option to `sqlkit/data/rule_options.json`,
    which is how the configuration knows the key (and its default) without
    importing any rule.
    """

    name: str
    default: tuple[str, ...]
    help: str
    type: str = "strings"  # a list of strings: the only kind rules need so far


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    doc: str
    check: Check | None
    help: str
    counterpart: str | None = None  # the Supabase splinter lint(s) it mirrors, comma-separated
    summary: str = ""  # one line: when the rule fires
    options: tuple[RuleOption, ...] = ()
    structure: bool = False  # reads tables' columns, constraints and indexes, or extensions
    live: bool = False  # live-only: decided by a query in `sqlkit lint --dsn` (sqlkit.live.checks)
    # what `sqlkit lint --fix` can do: "safe", "unsafe" (only with --unsafe-fixes), or "safe"
    # followed by when it is not; None: no fix
    fix: str | None = None

    @property
    def counterparts(self) -> list[str]:
        return [c.strip() for c in (self.counterpart or "").split(",") if c.strip()]

    def section(self, title: str) -> str:
        """A docstring section ('What it does', 'Why is this bad?', ...)."""
        pattern = re.compile(r"^## " + re.escape(title) + r"\s*\n(.*?)(?=^## |\Z)", re.M | re.S)
        match = pattern.search(self.doc)
        return match.group(1).strip() if match else ""


_RULES: dict[str, Rule] = {}
_LOADED: list[bool] = []  # every rule module imported (one may be imported alone before)


def rule(
    code: str,
    name: str,
    severity: str,
    *,
    summary: str,
    help: str,
    counterpart: str | None = None,
    engine: bool = False,
    options: tuple[RuleOption, ...] = (),
    structure: bool = False,
    live: bool = False,
    fix: str | None = None,
) -> Callable[[Any], Any]:
    """Register the decorated function as the check of a rule; docs come from its module.

    `engine=True` marks a rule the engine itself reports (SK000 parse errors come
    from parsing, SK001 from suppression bookkeeping); its function is still the
    detection, called by the engine at the right moment. `live=True` marks a live-only
    rule: only a running database knows the answer (statistics, versions, rows), and its
    query lives in `sqlkit.live.checks`. `structure=True`: the check reads table structure,
    which a model introspected from a live database does not have (`lint --dsn` asks the
    database instead, with the same codes). `fix` says whether its findings carry fixes
    and whether they are safe (see `sqlkit.lint.fix`).
    """
    assert fix is None or fix.split(" ")[0].rstrip(";,") in ("safe", "unsafe"), fix

    def decorate(func: Any) -> Any:
        module = sys.modules[func.__module__]
        doc = (module.__doc__ or "").strip()
        _RULES[code] = Rule(
            code,
            name,
            severity,
            doc,
            None if engine or live else func,
            help,
            counterpart,
            summary,
            options,
            structure,
            live,
            fix,
        )
        return func

    return decorate


def load_rules() -> dict[str, Rule]:
    """Import every rule module once; return the rules by code, sorted."""
    if not _LOADED:
        import sqlkit.lint.rules as package

        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
        _LOADED.append(True)
    return dict(sorted(_RULES.items()))


def declared_options() -> dict[str, dict[str, Any]]:
    """Every rule option by name, with its type, default and the rules that read it
    (what `make docs` writes to sqlkit/data/rule_options.json)."""
    out: dict[str, dict[str, Any]] = {}
    for code, found in load_rules().items():
        for option in found.options:
            entry = out.setdefault(
                option.name,
                {
                    "type": option.type,
                    "default": list(option.default),
                    "help": option.help,
                    "rules": [],
                },
            )
            entry["rules"].append(code)
    return dict(sorted(out.items()))


def get_rule(code: str) -> Rule | None:
    return load_rules().get(code.upper())


def expand_selectors(selectors: Iterable[str], rules: dict[str, Rule]) -> set[str]:
    """Codes matched by selectors: full codes, prefixes (`SK1`, `SK10`), names or `ALL`."""
    out: set[str] = set()
    for raw in selectors:
        sel = raw.strip()
        if not sel:
            continue
        upper = sel.upper()
        if upper == "ALL":
            out.update(rules)
            continue
        matched = {
            code for code, r in rules.items() if code.startswith(upper) or r.name == sel.lower()
        }
        if not matched:
            raise InputError(
                f"unknown rule selector {sel!r}",
                hint="use a code like SK104, a prefix like SK1, or a rule name; see `sqlkit rules`",
            )
        out.update(matched)
    return out


def enabled_rules(
    settings: Settings, select: Iterable[str] | None, ignore: Iterable[str] | None
) -> dict[str, Rule]:
    rules = load_rules()
    chosen = (
        expand_selectors(select, rules)
        if select
        else (expand_selectors(settings.select, rules) if settings.select else set(rules))
    )
    dropped = expand_selectors(list(ignore or ()) + list(settings.ignore), rules)
    for code, level in settings.severity.items():
        if code not in rules:
            raise InputError(
                f"severity override names unknown rule {code}",
                hint="see `sqlkit rules` for the codes",
            )
        if level == "off":
            dropped.add(code)
    out: dict[str, Rule] = {}
    for code in sorted(chosen - dropped):
        rule = rules[code]
        override = settings.severity.get(code)
        if override and override != "off":
            rule = replace(rule, severity=override)
        out[code] = rule
    return out
