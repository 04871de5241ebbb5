"""The JSON report's findings are the findings' fields as `dataclasses.asdict` gives them."""

from __future__ import annotations

import io
import json
from dataclasses import asdict

from sqlkit.lint.reporters import report
from tests.conftest import lint_text

SQL = """
create table public.notes (id uuid primary key, owner uuid);
create function public.f(p_id uuid) returns int language plpgsql security definer as $$
begin return (select count(*) from public.notes where id = p_id); end $$;
"""


def test_findings_as_asdict_writes_them() -> None:
    result = lint_text(SQL)
    assert any(f.fix is not None for f in result.findings)  # nested fix and edits included
    out = io.StringIO()
    report(result, "json", out)
    written = json.loads(out.getvalue())["findings"]
    assert written == json.loads(json.dumps([asdict(f) for f in result.findings]))


def test_a_fix_into_a_file_that_does_not_parse_is_reported_refused() -> None:
    """Every report says a fix `--fix` will refuse is refused (and why), not fixable."""
    result = lint_text(SQL + "create tabel oops (;\n")
    fixes = [f.fix for f in result.findings if f.fix is not None]
    assert fixes and all(fix.refused and "parser rejects" in fix.refused for fix in fixes)
    assert all(not fix.applicable for fix in fixes)
