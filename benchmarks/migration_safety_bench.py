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

`--corpus DIR` also compares the two tools on real projects (each a folder of DIR with a
sqlkit.toml, e.g. /work/corpus/supabase-projects): every finding placed at its statement
(squawk points inside a statement, sqlkit at its start; SK416 and squawk's lock-timeout rule
per file, since sqlkit reports a file once), counted as found by both, by sqlkit only, or by
squawk only, per hazard. Which of the differences are right is a judgement: docs/lint.md.

    python benchmarks/migration_safety_bench.py [--squawk PATH] [--corpus DIR] [--json]
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
    "SK403": {"require-concurrent-reindex"},
    "SK404": {"ban-concurrent-index-creation-in-transaction"},
    "SK405": {"changing-column-type"},
    "SK406": {"adding-field-with-default", "adding-serial-primary-key-field"},
    "SK407": set(),
    "SK408": set(),
    "SK409": {"adding-foreign-key-constraint", "constraint-missing-not-valid"},
    "SK410": {"adding-not-nullable-field"},
    "SK411": {"disallowed-unique-constraint", "adding-serial-primary-key-field"},
    "SK412": {"ban-drop-column"},
    "SK413": {"renaming-column", "renaming-table", "ban-set-schema"},
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


def _statement_lines(path: Path) -> list[tuple[int, int]]:
    """(first line, last line) of each statement of a file."""
    from sqlkit.sql.source import Source
    from sqlkit.sql.split import parse_statements

    source = Source(path=str(path), text=path.read_text(encoding="utf-8"))
    return [
        (source.position(s.start)[0], source.position(max(s.end - 1, s.start))[0])
        for s in parse_statements(source)
    ]


def _place(spans: dict[Path, list[tuple[int, int]]], path: Path, line: int, code: str) -> Any:
    """Where a finding is counted: its file for SK416, else its statement's first line."""
    if code == "SK416":
        return (path, 0)
    if path not in spans:
        spans[path] = _statement_lines(path)
    for first, last in spans[path]:
        if first <= line <= last:
            return (path, first)
    return (path, line)


SQLKIT_LINT = [sys.executable, "-m", "sqlkit", "lint", "--format", "json", "--fail-on", "never"]


def compare_corpus(
    corpus: Path, squawk: str, detail: list[tuple[str, str, Any]] | None = None
) -> dict[str, Counter[str]]:
    """Per hazard (SK code): statements both tools report, sqlkit only, squawk only (each
    difference appended to `detail` as (which, code, (path, line)) when given)."""
    codes = ",".join(SQUAWK)
    by_rule = {rule: code for code, rules in SQUAWK.items() for rule in rules}
    out: dict[str, Counter[str]] = {
        "both": Counter(),
        "sqlkit only": Counter(),
        "squawk only": Counter(),
    }
    for project in sorted(p for p in corpus.iterdir() if (p / "sqlkit.toml").is_file()):
        spans: dict[Path, list[tuple[int, int]]] = {}
        run = subprocess.run(
            [*SQLKIT_LINT, "--select", codes],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        data = json.loads(run.stdout or "{}")
        ours = {
            (code, _place(spans, project / f["path"], f["line"], code))
            for f in data.get("findings", [])
            if (code := f["code"]) in SQUAWK
        }
        files = sorted(str(p) for p in project.rglob("migrations/*.sql"))
        said = subprocess.run(
            [squawk, "--reporter", "json", "--pg-version", "18", "--assume-in-transaction", *files],
            capture_output=True,
            text=True,
            check=False,
        )
        theirs = set()
        for item in json.loads(said.stdout or "[]"):
            code = by_rule.get(item["rule_name"])
            if code is not None:
                theirs.add((code, _place(spans, Path(item["file"]), item["line"] + 1, code)))
        for code, _ in ours & theirs:
            out["both"][code] += 1
        for code, where in ours - theirs:
            out["sqlkit only"][code] += 1
            if detail is not None:
                detail.append(("sqlkit only", code, where))
        for code, where in theirs - ours:
            out["squawk only"][code] += 1
            if detail is not None:
                detail.append(("squawk only", code, where))
    return out


def _score(reported: bool, positive: bool) -> str:
    return ("TP" if positive else "FP") if reported else ("FN" if positive else "TN")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    beside = Path(sys.executable).parent / "squawk"  # the venv's, when not on PATH
    found = shutil.which("squawk") or (str(beside) if beside.exists() else None)
    parser.add_argument("--squawk", default=found, help="squawk executable")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--corpus", type=Path, help="a folder of projects to compare on too")
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
    if args.corpus and args.squawk:
        compared = compare_corpus(args.corpus, args.squawk)
        print(f"\non {args.corpus} (statements; SK416: files):")
        print(f"{'hazard':6} {'both':>5} {'sqlkit only':>12} {'squawk only':>12}")
        for code in SQUAWK:
            row = [compared[k][code] for k in ("both", "sqlkit only", "squawk only")]
            print(f"{code:6} {row[0]:>5} {row[1]:>12} {row[2]:>12}")
        print("total", *(sum(compared[k].values()) for k in ("both", "sqlkit only", "squawk only")))
    if args.json:
        print(json.dumps({tool: dict(c) for tool, c in total.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
