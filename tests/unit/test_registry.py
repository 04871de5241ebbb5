"""The rule registry: frozen codes and names, complete docstrings, fresh generated docs."""

from __future__ import annotations

from pathlib import Path

from sqlkit.lint.docs import SECTIONS, expected_files
from sqlkit.lint.registry import load_rules

# Codes and names are public API: changing this table must be a deliberate act.
FROZEN = {
    "SK000": ("parse-error", "error"),
    "SK001": ("unknown-suppression", "warning"),
    "SK101": ("function-search-path-missing", "warning"),
    "SK102": ("function-search-path-unsafe", "warning"),
    "SK103": ("security-definer-without-reason", "warning"),
    "SK104": ("security-definer-exposed", "error"),
    "SK105": ("revoke-ineffective", "error"),
    "SK106": ("unresolvable-under-empty-search-path", "error"),
    "SK107": ("unqualified-reference", "warning"),
    "SK108": ("volatility-violation", "error"),
    "SK109": ("volatility-could-be-stable", "info"),
    "SK110": ("security-definer-without-authorization", "error"),
    "SK111": ("dynamic-sql-concatenation", "error"),
    "SK112": ("raise-format-mismatch", "warning"),
    "SK113": ("select-star-in-function", "warning"),
    "SK114": ("offset-pagination", "warning"),
    "SK201": ("rls-disabled", "error"),
    "SK202": ("rls-enabled-no-policy", "info"),
    "SK203": ("policy-without-rls", "error"),
    "SK204": ("policy-auth-call-per-row", "warning"),
    "SK205": ("policy-always-true", "warning"),
    "SK206": ("multiple-permissive-policies", "warning"),
    "SK207": ("policy-missing-role", "warning"),
    "SK208": ("policy-user-metadata", "error"),
    "SK209": ("security-definer-view", "error"),
    "SK210": ("auth-users-exposed", "error"),
    "SK301": ("auth-hook-privileges", "error"),
    "SK302": ("auth-hook-security-definer", "warning"),
}

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "rules"


def test_codes_names_and_severities_are_frozen() -> None:
    rules = load_rules()
    assert {code: (r.name, r.severity) for code, r in rules.items()} == FROZEN


def test_every_rule_module_is_named_after_its_rule() -> None:
    import sys

    for code, rule in load_rules().items():
        module = rule.check.__module__ if rule.check else None
        if module is None:
            continue
        assert module.rsplit(".", 1)[-1] == f"{code.lower()}_{rule.name.replace('-', '_')}"
        assert sys.modules[module].__doc__


def test_every_rule_doc_has_all_sections_and_help() -> None:
    for code, rule in load_rules().items():
        for section in SECTIONS:
            assert rule.section(section), f"{code} lacks '## {section}'"
        assert rule.help and rule.summary


def test_generated_rule_docs_are_fresh() -> None:
    for name, text in expected_files().items():
        path = DOCS / name
        assert path.exists(), f"docs/rules/{name} missing: run `make docs`"
        assert path.read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `make docs`"
        )
    extra = {p.name for p in DOCS.glob("*.md")} - set(expected_files())
    assert not extra, f"docs/rules has files for no rule: {extra}"
