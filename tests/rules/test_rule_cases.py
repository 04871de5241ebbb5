"""Every rule against its YAML cases (tests/rules/cases/SKnnn.yaml), sqlfluff-style."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pglast import parser

from sqlkit import api
from sqlkit.config import Settings, settings_from_table
from sqlkit.lint.registry import load_rules
from tests.conftest import lint_files, lint_text

CASES = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for file in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        code = data["rule"]
        for index, case in enumerate(data["cases"]):
            slug = re.sub(r"[^a-z0-9]+", "-", case["desc"].lower()).strip("-")[:50]
            params.append(pytest.param(code, case, id=f"{code}-{index:02d}-{slug}"))
    return params


@pytest.mark.parametrize(("code", "case"), _load())
def test_case(
    code: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = case.get("fail_sql", case.get("pass_sql"))
    if "before_sql" in case:  # an earlier migration: what it creates exists when the case runs
        result = lint_files(
            {"0001_before.sql": case["before_sql"], "0002_case.sql": sql},
            case.get("config"),
            select=case.get("select"),
            ignore=case.get("ignore"),
        )
    else:
        result = lint_text(
            sql, case.get("config"), select=case.get("select"), ignore=case.get("ignore")
        )
    found = [f for f in result.findings if f.code == code and f.path != "0001_before.sql"]
    shown = "\n".join(f"  {f.line}:{f.column} {f.code} {f.message}" for f in result.findings)
    if "pass_sql" in case:
        assert not found, f"{code} fired on a passing case:\n{shown}"
        return
    assert found, f"{code} did not fire; findings were:\n{shown or '  (none)'}"
    if "count" in case:
        assert len(found) == case["count"], shown
    if "lines" in case:
        assert [f.line for f in found] == case["lines"], shown
    if "message" in case:
        assert any(case["message"] in f.message for f in found), shown
    for other in case.get("also", ()):
        assert any(f.code == other for f in result.findings), f"expected {other} too:\n{shown}"
    for f in found:
        assert f.name == load_rules()[code].name
        assert f.help
        assert f.fix is None or load_rules()[code].fix, f"{code} has fixes: declare fix="
    if all(f.fix is not None and f.fix.applicable for f in found):
        _fixed_case_is_clean(code, case, sql, tmp_path, monkeypatch)


def _fixed_case_is_clean(
    code: str, case: dict[str, Any], sql: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every failing case whose findings all have fixes: `--fix --unsafe-fixes` removes the
    rule's findings, the result parses, and fixing again changes nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.sql").write_text(sql)
    config = case.get("config")
    settings = settings_from_table(config, tmp_path, None) if config else Settings()
    options: dict[str, Any] = {"select": case.get("select"), "ignore": case.get("ignore")}
    done = api.fix(["case.sql"], settings=settings, unsafe=True, cache=False, **options)
    fixed = (tmp_path / "case.sql").read_text()
    assert code not in {f.code for f in done.result.findings}, fixed
    parser.parse_sql(fixed)
    again = api.fix(["case.sql"], settings=settings, unsafe=True, cache=False, **options)
    assert not again.after, again.diff()


def test_every_rule_has_three_failing_and_three_passing_cases() -> None:
    counts: dict[str, list[int]] = {}
    for file in CASES.glob("*.yaml"):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        fails = sum(1 for c in data["cases"] if "fail_sql" in c)
        passes = sum(1 for c in data["cases"] if "pass_sql" in c)
        counts[data["rule"]] = [fails, passes]
    for code, rule in load_rules().items():
        if rule.live:
            continue  # decided by a database query: tests/integration/test_live_checks.py
        assert code in counts, f"{code} has no cases file"
        assert counts[code][0] >= 3 and counts[code][1] >= 3, f"{code}: {counts[code]}"
