"""The rule registry: frozen codes and names, complete docstrings, fresh generated docs."""

from __future__ import annotations

from pathlib import Path

from sqlkit.lint.docs import SECTIONS, expected_files
from sqlkit.lint.registry import load_rules

ROOT = Path(__file__).resolve().parent.parent.parent
FROZEN_FILE = ROOT / "tests" / "rules" / "frozen.txt"


def frozen() -> dict[str, tuple[str, str]]:
    rows = [
        line.split()
        for line in FROZEN_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {code: (name, severity) for code, name, severity in rows}


DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "rules"


def test_codes_names_and_severities_are_frozen() -> None:
    rules = load_rules()
    assert {code: (r.name, r.severity) for code, r in rules.items()} == frozen()


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


def _sql_block(section: str) -> str | None:
    import re

    match = re.search(r"```sql\n(.*?)```", section, re.S)
    return match.group(1) if match else None


# the settings an Example needs, as its rule's docs say
EXAMPLE_SETTINGS = {"SK221": {"exposed_schemas": ["public", "pgmq_public"]}}


def test_every_example_fires_its_rule_and_its_fix_does_not() -> None:
    from tests.conftest import lint_text

    for code, rule in load_rules().items():
        if rule.live:
            continue  # a live-only rule's Example is applied to a database (tests/integration)
        config = EXAMPLE_SETTINGS.get(code)
        example = _sql_block(rule.section("Example"))
        assert example, f"{code}: the Example section has no ```sql block"
        fired = [f.code for f in lint_text(example, config).findings]
        assert code in fired, f"{code}: its Example does not fire it (found {fired})"
        fixed = _sql_block(rule.section("Use instead"))
        assert fixed, f"{code}: the Use instead section has no ```sql block"
        still = [f.code for f in lint_text(fixed, config).findings]
        assert code not in still, f"{code}: its Use instead block fires it"


def test_rule_options_data_is_fresh() -> None:
    from sqlkit.lint.docs import OPTIONS_FILE, options_json

    assert OPTIONS_FILE.read_text(encoding="utf-8") == options_json(), (
        "src/sqlkit/data/rule_options.json is stale: run `make docs`"
    )


def test_every_splinter_lint_is_covered_or_says_why_not() -> None:
    from sqlkit.lint.docs import SPLINTER_LINTS, SPLINTER_NOT_COVERED

    known = {lint for lint, _ in SPLINTER_LINTS}
    covered = {lint for rule in load_rules().values() for lint in rule.counterparts}
    assert covered <= known, f"counterparts that are not splinter lints: {covered - known}"
    assert known - covered == set(SPLINTER_NOT_COVERED)


def test_importing_one_rule_module_first_still_loads_every_rule() -> None:
    import subprocess
    import sys

    code = (
        "import sqlkit.lint.rules.schema.sk220_unsupported_reg_type\n"
        "from sqlkit.lint.registry import load_rules\n"
        "print(len(load_rules()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(frozen())


# where no SQL statement is the fix: a syntax error, a directive, a body or expression to rewrite
_HELP_WITHOUT_STATEMENT = {
    "SK000",
    "SK001",
    "SK106",
    "SK107",
    "SK112",
    "SK113",
    "SK114",
    "SK123",
    "SK124",
}


def test_every_finding_names_its_object_and_helps_with_sql() -> None:
    """§5 of the rule policy (docs/rules/README.md): a message names the object (a qualified
    name), says what happens, and the help gives SQL to paste where the fix is mechanical."""
    import re

    from tests.conftest import lint_text

    statement = re.compile(r"\b(ALTER|CREATE|REVOKE|GRANT|DROP|IF|EXECUTE|SELECT)\b|--|\(select")
    for code, rule in load_rules().items():
        found = [f for f in lint_text(_sql_block(rule.section("Example")) or "").findings]
        for finding in (f for f in found if f.code == code and code not in ("SK000", "SK001")):
            assert re.search(r"\w\.\w|`\w+`", finding.message), (code, finding.message)
            assert ":" in finding.message, (code, finding.message)
            if code not in _HELP_WITHOUT_STATEMENT:
                assert statement.search(finding.help), (code, finding.help)
