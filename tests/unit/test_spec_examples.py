"""The SPEC's examples (examples/spec/*.sql) give exactly the codes in their `-- expect:` line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import lint_text

SPEC_EXAMPLES = sorted(
    (Path(__file__).resolve().parent.parent.parent / "examples" / "spec").glob("*.sql")
)


def test_every_rule_so_far_has_a_spec_example() -> None:
    from sqlkit.lint.registry import load_rules

    covered = {p.name[:5].upper() for p in SPEC_EXAMPLES}
    static = {code for code, rule in load_rules().items() if not rule.live}
    # SK107 is shown in the SK106 example
    assert static - covered <= {"SK107"}


@pytest.mark.parametrize("path", SPEC_EXAMPLES, ids=lambda p: p.stem)
def test_spec_example(path: Path) -> None:
    import json

    text = path.read_text(encoding="utf-8")
    expected = sorted(re.match(r"-- expect: (.*)", text).group(1).replace(" ", "").split(","))
    settings = re.search(r"^-- settings: (.*)$", text, re.M)  # [tool.sqlkit] as JSON
    config = json.loads(settings.group(1)) if settings else None
    found = sorted(f.code for f in lint_text(text, config, path=str(path)).findings)
    assert found == expected, "\n".join(
        f"{f.line} {f.code} {f.message}" for f in lint_text(text, config).findings
    )
