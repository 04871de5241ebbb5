"""Scaffold a new lint rule: its module, its YAML cases, its frozen line and its docs.

    python scripts/new_rule.py SK215 table-without-primary-key --kind tables \
        --severity warning --summary "a table in an exposed schema has no primary key"

Then write the rule's body (the `check` function) and its cases (at least three
failing and three passing), and run `make docs`. Nothing else needs editing: the
registry finds the module, the case runner finds the YAML file, the docs and the
README's rule table are generated from the docstring.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src" / "sqlkit" / "lint" / "rules"
CASES = ROOT / "tests" / "rules" / "cases"
FROZEN = ROOT / "tests" / "rules" / "frozen.txt"

MODULE = '''"""
## What it does
{summary_sentence}

## Why is this bad?
Say what goes wrong, for whom, and when: the consequence a reader acts on.

## Example
```sql
-- SQL that makes {code} fire (a test lints this block and expects {code})
```

## Use instead
```sql
-- the same SQL, fixed (a test lints this block and expects no {code})
```

## References
- [PostgreSQL documentation](https://www.postgresql.org/docs/current/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "{code}",
    "{name}",
    "{severity}",
    summary="{summary}",
    help="the fix, as SQL the user can paste",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Yield one finding per offending object: ctx.finding("{code}", origin, message)."""
    yield from ()
'''

CASES_FILE = """rule: {code}
cases:
  - desc: the simplest form that must fire
    fail_sql: |
      select 1;
  - desc: a second failing form
    fail_sql: |
      select 1;
  - desc: a third failing form
    fail_sql: |
      select 1;
  - desc: the fixed form
    pass_sql: |
      select 1;
  - desc: a tricky clean form
    pass_sql: |
      select 1;
  - desc: another clean form
    pass_sql: |
      select 1;
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="SKnnn, unused so far")
    parser.add_argument("name", help="kebab-case name, e.g. table-without-primary-key")
    parser.add_argument("--kind", required=True, help="rule group: a folder under lint/rules/")
    parser.add_argument("--severity", default="warning", choices=["error", "warning", "info"])
    parser.add_argument("--summary", default="", help="one line: when the rule fires")
    args = parser.parse_args()
    code, name = args.code.upper(), args.name.lower()
    if not re.fullmatch(r"SK\d{3}", code) or not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        parser.error("the code is SKnnn and the name kebab-case")
    frozen = FROZEN.read_text(encoding="utf-8")
    if re.search(rf"^{code} ", frozen, re.M) or re.search(rf"^SK\d+ {name} ", frozen, re.M):
        parser.error(f"{code} or {name} is taken (tests/rules/frozen.txt)")
    group = RULES / args.kind
    module = group / f"{code.lower()}_{name.replace('-', '_')}.py"
    cases = CASES / f"{code}.yaml"
    for path in (module, cases):
        if path.exists():
            parser.error(f"{path.relative_to(ROOT)} exists already")
    summary = args.summary or f"what {code} reports"
    if not group.is_dir():
        group.mkdir(parents=True)
        (group / "__init__.py").write_text(f'"""Rules about {args.kind}."""\n', encoding="utf-8")
    module.write_text(
        MODULE.format(
            code=code,
            name=name,
            severity=args.severity,
            summary=summary,
            summary_sentence=f"Reports {summary}.",
        ),
        encoding="utf-8",
    )
    cases.write_text(CASES_FILE.format(code=code), encoding="utf-8")
    FROZEN.write_text(frozen.rstrip("\n") + f"\n{code} {name} {args.severity}\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
    }  # this checkout's sqlkit, new rule included
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py")], check=True, env=env
    )
    for path in (module, cases, FROZEN):
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"next: write {code}'s check and its cases, then `make docs` and `make test`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
