"""Migration safety: sqlkit's SK401-SK416 vs squawk on the same migrations (issue 14).

Each YAML case of an SK4xx rule (tests/rules/cases/SK4nn.yaml) is one migration file under
review: a `fail_sql` case is a hazard of the rule's kind (a positive), a `pass_sql` case is not
(a negative). A case's `before_sql` is the project's earlier migration: sqlkit lints it as the
file before; squawk, which judges statement text alone, gets the migration under review only —
what it sees in CI. Squawk runs with `--pg-version 18` (the server sqlkit tests against) and,
since sqlkit apply runs each file in a transaction, `--assume-in-transaction`.

Cases that rest on sqlkit's own syntax (a `-- sqlkit:` directive: suppression, lock-timeout,
no-transaction; a `config`) are left out of the comparison: squawk has its own equivalents.
squawk 2.70 reports CONCURRENTLY in a transaction only after an explicit BEGIN in the file.

A tool reports a case when it gives the case's rule (for squawk: a rule of the same hazard,
`SQUAWK` below); the counts are true/false positives and negatives per tool, per rule and in
total. The cases are sqlkit's own, written to show where the schema matters, so the totals
show what knowing the schema buys, not a neutral benchmark of either tool.

    python benchmarks/migration_safety_bench.py [--squawk PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

CASES = ROOT / "tests" / "rules" / "cases"

# squawk's rules for the hazard of each sqlkit rule (squawk 2.x names; none: squawk has none)
SQUAWK: dict[str, set[str]] = {
    "SK401": {"require-concurrent-index-creation"},
    "SK402": {"require-concurrent-index-deletion"},
    "SK403": set(),
    "SK404": {"ban-concurrent-index-creation-in-transaction"},
    "SK405": {"changing-column-type"},
    "SK406": {"adding-field-with-default", "adding-serial-primary-key-field"},
    "SK407": set(),
    "SK408": set(),
    "SK409": {"adding-foreign-key-constraint", "constraint-missing-not-valid"},
    "SK410": {"adding-not-nullable-field"},
    "SK411": {"disallowed-unique-constraint", "adding-serial-primary-key-field"},
    "SK412": {"ban-drop-column"},
    "SK413": {"renaming-column", "renaming-table"},
    "SK414": {"ban-drop-table"},
    "SK415": {"adding-required-field"},
    "SK416": {"require-lock-timeout", "require-timeout-settings"},
}


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for file in sorted(CASES.glob("SK4*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append((data["rule"], "fail" if "fail_sql" in case else "pass", case))
    return out


def _sqlkit(code: str, case: dict[str, Any]) -> bool:
    from tests.conftest import lint_files, lint_text

    sql = case.get("fail_sql", case.get("pass_sql"))
    if "before_sql" in case:
        result = lint_files(
            {"0001_before.sql": case["before_sql"], "0002_case.sql": sql}, case.get("config")
        )
        found = [f for f in result.findings if f.path == "0002_case.sql"]
    else:
        found = lint_text(sql, case.get("config")).findings
    return any(f.code == code for f in found)


def _squawk(squawk: str, sql: str, folder: Path) -> set[str]:
    path = folder / "case.sql"
    path.write_text(sql, encoding="utf-8")
    out = subprocess.run(
        [squawk, "--reporter", "json", "--pg-version", "18", "--assume-in-transaction", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return {item["rule_name"] for item in json.loads(out.stdout or "[]")}
    except json.JSONDecodeError:
        return {"(parse error)"}


def _score(reported: bool, positive: bool) -> str:
    return ("TP" if positive else "FP") if reported else ("FN" if positive else "TN")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squawk", default=shutil.which("squawk"), help="squawk executable")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    per_rule: dict[str, dict[str, Counter[str]]] = {}
    wrong: list[str] = []
    skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        for code, kind, case in _cases():
            positive = kind == "fail"
            counts = per_rule.setdefault(code, {"sqlkit": Counter(), "squawk": Counter()})
            sql = case.get("fail_sql", case.get("pass_sql"))
            if "sqlkit:" in sql or "config" in case:
                skipped += 1
                continue
            counts["sqlkit"][_score(_sqlkit(code, case), positive)] += 1
            if args.squawk:
                said = _squawk(args.squawk, sql, Path(tmp)) & SQUAWK[code]
                score = _score(bool(said), positive)
                counts["squawk"][score] += 1
                if score in ("FP", "FN"):
                    wrong.append(f"  squawk {score} {code}: {case['desc']}")
    total = {tool: Counter[str]() for tool in ("sqlkit", "squawk")}
    print(f"{'rule':6} {'sqlkit TP FP FN TN':>20} {'squawk TP FP FN TN':>20}")
    for code, counts in per_rule.items():
        cells = []
        for tool in ("sqlkit", "squawk"):
            c = counts[tool]
            total[tool].update(c)
            cells.append(f"{c['TP']:>8} {c['FP']:>2} {c['FN']:>2} {c['TN']:>2}")
        print(f"{code:6} {cells[0]:>20} {cells[1]:>20}")
    for tool in ("sqlkit", "squawk"):
        c = total[tool]
        print(
            f"{tool}: {c['TP']} true findings, {c['FP']} false, {c['FN']} missed, {c['TN']} right silences"
        )
    print(f"({skipped} cases on sqlkit's own directives or settings left out)")
    if not args.squawk:
        print("squawk not found (pip install squawk-cli, or --squawk PATH): sqlkit only")
    elif wrong:
        print("where squawk is wrong:")
        print("\n".join(wrong))
    if args.json:
        print(json.dumps({tool: dict(c) for tool, c in total.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
