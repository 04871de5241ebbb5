"""SARIF output validates against the SARIF 2.1.0 subset schema and carries rule metadata."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema

from sqlkit.lint.registry import load_rules
from sqlkit.lint.reporters.sarif import write_sarif
from tests.conftest import lint_text

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-2.1.0-subset.schema.json").read_text()
)

BROKEN = """
create function public.f(p_student_id uuid) returns int language plpgsql security definer as $$
begin raise notice 'x %s', p_student_id; return (select count(*) from students); end $$;
selec 1;
"""


def _sarif(sql: str) -> dict:
    result = lint_text(sql)
    out = io.StringIO()
    write_sarif(result, out, load_rules())
    return json.loads(out.getvalue())


def test_sarif_validates_with_findings() -> None:
    doc = _sarif(BROKEN)
    jsonschema.validate(doc, SCHEMA)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"SK000", "SK101", "SK103", "SK104", "SK110", "SK112"}
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["endColumn"] >= region["startColumn"]


def test_sarif_rules_have_help_uris() -> None:
    doc = _sarif("select 1;")
    jsonschema.validate(doc, SCHEMA)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(load_rules())
    for r in rules:
        assert r["helpUri"].endswith(f"/docs/rules/{r['id']}.md")
        assert r["shortDescription"]["text"]


def test_schema_rejects_a_broken_document() -> None:
    doc = _sarif(BROKEN)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    try:
        jsonschema.validate(doc, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an invalid level")


def test_columns_are_code_points_and_say_so() -> None:
    """After an emoji (two UTF-16 units, one character) a column in UTF-16 units would be one
    more; the run declares that sqlkit's columns count characters."""
    doc = _sarif(
        "create function public.f() returns text language sql security definer as $$"
        " select '\U0001f600' || name from items $$;\n"
    )
    assert doc["runs"][0]["columnKind"] == "unicodeCodePoints"
    region = next(
        r["locations"][0]["physicalLocation"]["region"]
        for r in doc["runs"][0]["results"]
        if r["ruleId"] == "SK107"
    )
    line = "create function public.f() returns text language sql security definer as $$"
    assert region["startColumn"] == len(line + " select '\U0001f600' || name from ") + 1
