"""The reference app keeps its promises: lint-clean, rendered twins fresh, verified green."""

from __future__ import annotations

import re
from pathlib import Path

from sqlkit.api import lint as lint_paths
from sqlkit.config import load_settings
from sqlkit.render.render import render_project
from sqlkit.verify.runner import verify

ROOT = Path(__file__).resolve().parent.parent.parent
FOLDERS = ["migrations", "functions", "triggers", "policies"]


def test_catalog_lints_with_zero_findings_and_no_suppressions() -> None:
    settings = load_settings(ROOT)
    result = lint_paths([str(ROOT / f) for f in FOLDERS], settings=settings, jobs=1)
    shown = "\n".join(f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings)
    assert result.findings == [], shown
    assert result.summary.files >= 19 and result.summary.statements >= 300
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.sql*"):
            assert "sqlkit: ignore" not in path.read_text(), f"{path} suppresses a finding"


def test_rendered_twins_are_fresh() -> None:
    stale = [o.target for o in render_project(load_settings(ROOT), check=True) if o.changed]
    assert stale == [], f"run `sqlkit render`: {stale}"


def test_catalog_uses_the_templates_wherever_one_fits() -> None:
    sources = (
        list(ROOT.glob("functions/**/*.sql.j2"))
        + list(ROOT.glob("triggers/**/*.sql.j2"))
        + list(ROOT.glob("policies/**/*.sql.j2"))
    )
    used = {m for p in sources for m in re.findall(r'template\("([a-z-]+)"', p.read_text())}
    assert used == {
        "rpc-json",
        "export-batch",
        "cache-framework",
        "cached-rpc",
        "invalidation-trigger",
        "job-queue",
        "rls-policies",
    }
    hand_written = sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.glob("functions/**/*.sql")
        if not p.with_suffix(".sql.j2").exists()
    )
    # the auth hook adds job-readiness claims the auth-hook template does not write
    assert hand_written == [
        "functions/admin/create_user_with_profile.sql",
        "functions/auth/custom_access_token_hook.sql",
        "functions/jobs/schedule.sql",
        "functions/rpc/get_student_progress_summary.sql",
        "functions/rpc/submit_assessment.sql",
    ]


def test_catalog_verifies_green() -> None:
    result = verify(load_settings(ROOT))
    failed = [f"{t.path}:{t.line}: {t.message}" for t in result.tests if not t.passed]
    assert failed == []
    assert len(result.tests) == len(list((ROOT / "tests" / "sql").glob("*.sql")))
    assert result.objects["tables"] == 19 and result.objects["policies"] >= 60
