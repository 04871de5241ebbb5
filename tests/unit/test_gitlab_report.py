"""GitLab Code Quality output: the fields GitLab reads, and fingerprints that survive edits."""

from __future__ import annotations

import io
import json

from sqlkit.lint.finding import Finding, LintResult, Summary
from sqlkit.lint.reporters import report
from sqlkit.lint.reporters.gitlab import to_gitlab
from tests.conftest import lint_text

POLICIES = """
create table public.notes (id uuid primary key, owner uuid not null, body text);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated
  using (owner = auth.uid() or owner = auth.uid());
create function public.f(p_id uuid) returns int language plpgsql security definer as $$
begin return (select count(*) from public.notes where id = p_id); end $$;
"""


def _gitlab(sql: str) -> list[dict]:
    out = io.StringIO()
    report(lint_text(sql), "gitlab", out)
    return json.loads(out.getvalue())


def test_every_finding_is_an_issue_gitlab_can_show() -> None:
    issues = _gitlab(POLICIES)
    assert len(issues) >= 4
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["check_name"].split()[0] in issue["description"]
    assert {i["severity"] for i in issues} >= {"critical", "minor"}  # SK104 error, SK204 warning


def test_fingerprints_are_unique_and_do_not_move_with_lines() -> None:
    before = _gitlab(POLICIES)
    prints = [i["fingerprint"] for i in before]
    assert len(set(prints)) == len(prints)
    after = _gitlab("-- a comment\n-- and another\n" + POLICIES)
    assert [i["location"]["lines"]["begin"] for i in after] == [
        i["location"]["lines"]["begin"] + 2 for i in before
    ]
    assert [i["fingerprint"] for i in after] == prints


def test_findings_alike_in_path_rule_object_and_message_get_their_own_fingerprints() -> None:
    same = [
        Finding("f.sql", line, 1, line, 9, "SK204", "x", "warning", "m", "h", "public.t.p")
        for line in (3, 7)
    ]
    issues = to_gitlab(LintResult(same, Summary(), [], {}))
    assert len({i["fingerprint"] for i in issues}) == 2
