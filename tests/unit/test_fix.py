"""`sqlkit lint --fix` machinery (sqlkit.lint.fix): edits applied, overlaps, rounds, the
file's own line endings and comments kept, idempotence, and what is never edited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sqlkit import api
from sqlkit.config import Settings
from sqlkit.errors import InputError
from sqlkit.lint.finding import Edit, LintResult
from sqlkit.lint.fix import _conflicts, apply_edits, fix_files
from sqlkit.lint.reporters.json import to_json
from sqlkit.lint.reporters.sarif import to_sarif

SUPABASE = Settings(target="supabase")

# A definer function with a path to pin (SK102), an unqualified table (SK107), a NULL-unsafe
# guard (SK115) and an ineffective REVOKE (SK105/SK104), in CRLF with comments and upper case.
PROJECT = (
    "CREATE TABLE public.projects (id uuid PRIMARY KEY, owner_id uuid, email text);\n"
    "ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;\n"
    "\n"
    "-- security definer: deletes the caller's own project\n"
    "CREATE FUNCTION public.delete_project(p_project_id uuid) RETURNS void\n"
    "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$\n"
    "DECLARE v_owner uuid; r projects%ROWTYPE;\n"
    "BEGIN\n"
    "  SELECT owner_id INTO v_owner FROM projects WHERE id = p_project_id; -- keep me\n"
    "  IF auth.uid() <> v_owner THEN\n"
    "    RAISE EXCEPTION 'not yours';\n"
    "  END IF;\n"
    "  DELETE FROM /* and me */ projects WHERE id = p_project_id;\n"
    "END $$;\n"
    "REVOKE EXECUTE ON FUNCTION public.delete_project(uuid) FROM anon;\n"
)
FIXED_CODES = {"SK102", "SK104", "SK105", "SK107", "SK115"}


def codes(result: LintResult) -> set[str]:
    return {f.code for f in result.findings}


def test_apply_edits_replaces_inserts_and_writes_the_files_line_ending() -> None:
    text = "select 1;\r\nselect a <> b;\r\n"
    edits = [
        Edit("f", 2, 10, 2, 12, "is distinct from"),
        Edit("f", 1, 10, 1, 10, "\nselect 2;"),
    ]
    assert apply_edits(text, edits, "\r\n") == (
        "select 1;\r\nselect 2;\r\nselect a is distinct from b;\r\n"
    )


def test_overlapping_edits_conflict_identical_ones_do_not() -> None:
    word = Edit("f", 1, 5, 1, 9, "x")
    assert _conflicts(Edit("f", 1, 7, 1, 12, "y"), [word])
    assert _conflicts(Edit("f", 1, 6, 1, 6, "y"), [word])  # inside a replaced range
    assert _conflicts(Edit("f", 1, 5, 1, 5, "y"), [word])  # before it or in it?
    assert not _conflicts(Edit("f", 1, 9, 1, 9, "y"), [word])  # after it: no question
    assert not _conflicts(word, [word])
    assert _conflicts(Edit("f", 1, 1, 1, 1, "a"), [Edit("f", 1, 1, 1, 1, "b")])


def test_fix_removes_the_findings_keeps_comments_and_crlf_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "001_projects.sql"
    target.write_bytes(PROJECT.replace("\n", "\r\n").encode())
    before = api.lint(["001_projects.sql"], settings=SUPABASE, cache=False)
    assert codes(before) >= FIXED_CODES

    done = api.fix(["001_projects.sql"], settings=SUPABASE, cache=False)

    assert done.written and list(done.after) == ["001_projects.sql"]
    assert {f.code for f in done.fixed} == FIXED_CODES
    data = target.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line break still CRLF
    text = data.decode()
    assert "-- keep me" in text and "/* and me */ public.projects" in text
    assert "IF auth.uid() IS DISTINCT FROM v_owner THEN" in text  # the file's keyword case
    assert "SET search_path = '' AS" in text and "r public.projects%ROWTYPE" in text
    assert "REVOKE EXECUTE ON FUNCTION public.delete_project(uuid) FROM PUBLIC;" in text
    after = api.lint(["001_projects.sql"], settings=SUPABASE, cache=False)
    assert not FIXED_CODES & codes(after)
    assert codes(after) == codes(done.result)

    again = api.fix(["001_projects.sql"], settings=SUPABASE, cache=False)
    assert not again.after and not again.written and target.read_bytes() == data


def test_diff_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.sql").write_text(PROJECT)
    done = api.fix(["a.sql"], settings=SUPABASE, write=False, cache=False)
    assert not done.written and (tmp_path / "a.sql").read_text() == PROJECT
    diff = done.diff()
    assert diff.startswith("--- a/a.sql\n+++ b/a.sql\n")
    assert "+  IF auth.uid() IS DISTINCT FROM v_owner THEN\n" in diff


def test_a_file_that_does_not_parse_is_never_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    broken = PROJECT + "CREATE TABLE oops (;\n"
    (tmp_path / "a.sql").write_text(broken)
    done = api.fix(["a.sql"], settings=SUPABASE, cache=False)
    assert not done.after and (tmp_path / "a.sql").read_text() == broken
    assert {r.finding.code for r in done.refused} >= FIXED_CODES - {"SK105"}
    assert all("parser rejects" in r.reason for r in done.refused if r.finding.code != "SK105")


def test_unsafe_fixes_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sql = "create table public.notes (id bigint primary key, body text); -- notes\n"
    (tmp_path / "a.sql").write_text(sql)
    safe = api.fix(["a.sql"], settings=SUPABASE, cache=False)
    assert not safe.after and [f.code for f in safe.unsafe] == ["SK201"]
    unsafe = api.fix(["a.sql"], settings=SUPABASE, unsafe=True, cache=False)
    assert (tmp_path / "a.sql").read_text() == (
        sql + "alter table public.notes enable row level security;\n"
    )
    assert "SK201" not in codes(unsafe.result)


def test_a_file_changed_between_lint_and_write_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / "a.sql"
    target.write_text(PROJECT)
    calls = []

    def relint(data: dict[str, bytes]) -> LintResult:
        from sqlkit.lint.engine import lint
        from sqlkit.lint.inputs import LintInput

        calls.append(1)
        if len(calls) == 1:
            target.write_text(PROJECT + "-- someone else's edit\n")
        return lint([LintInput(p, d) for p, d in data.items()], SUPABASE)

    with pytest.raises(InputError, match="changed while sqlkit was fixing it"):
        fix_files([str(target)], relint, unsafe=False, write=True)
    assert target.read_text() == PROJECT + "-- someone else's edit\n"


def test_json_and_sarif_carry_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.sql").write_text(PROJECT)
    result = api.lint(["a.sql"], settings=SUPABASE, cache=False)
    found = {f["code"]: f for f in to_json(result)["findings"]}
    fix = found["SK115"]["fix"]
    assert fix["safe"] is True and fix["refused"] is None
    assert list(fix["edits"]) == [
        {
            "path": "a.sql",
            "line": 10,
            "column": 17,
            "end_line": 10,
            "end_column": 19,
            "content": "IS DISTINCT FROM",
        }
    ]
    sarif = to_sarif(result, {r.code: r for r in api.rules()})
    fixes = next(r["fixes"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "SK115")
    change = fixes[0]["artifactChanges"][0]
    assert change["replacements"][0]["deletedRegion"] == {
        "startLine": 10,
        "startColumn": 17,
        "endLine": 10,
        "endColumn": 19,
    }
    json.dumps(sarif)


def test_bom_mode_and_the_one_schema_sk106_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sql = (
        "create schema app;\n"
        "create table app.items (id int primary key);\n"
        "alter table app.items enable row level security;\n"
        "create function app.n() returns bigint language sql stable set search_path = ''\n"
        "as $$ select count(*) from items $$;\n"
    )
    target = tmp_path / "a.sql"
    target.write_bytes(b"\xef\xbb\xbf" + sql.encode())
    target.chmod(0o640)
    done = api.fix(["a.sql"], settings=SUPABASE, select=["SK106"], cache=False)
    assert [f.code for f in done.fixed] == ["SK106"]
    assert (
        target.read_bytes()
        == b"\xef\xbb\xbf" + sql.replace("from items", "from app.items").encode()
    )
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_definer_on_pg_catalog_gets_pg_temp_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sql = (
        "-- security definer: counts every relation\n"
        "create function public.n() returns bigint language sql stable security definer\n"
        "set search_path = pg_catalog as $$ select count(*) from pg_class $$;\n"
        "revoke all on function public.n() from public, anon;\n"
    )
    (tmp_path / "a.sql").write_text(sql)
    done = api.fix(["a.sql"], settings=SUPABASE, select=["SK102"], cache=False)
    assert [f.code for f in done.fixed] == ["SK102"]
    assert "set search_path = pg_catalog, pg_temp as $$" in (tmp_path / "a.sql").read_text()


def test_sk104_revokes_from_the_roles_asked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlkit.config import settings_from_table

    monkeypatch.chdir(tmp_path)
    sql = (
        "-- security definer: counts the rows callers cannot read\n"
        "create function public.n() returns bigint language sql stable security definer\n"
        "set search_path = '' as $$ select 1::bigint $$;\n"
    )
    (tmp_path / "a.sql").write_text(sql)
    asked = settings_from_table({"fix_revoke_also": ["authenticated"]}, tmp_path, None)
    for settings, added in (
        (SUPABASE, "revoke execute on function public.n() from public, anon;\n"),
        (asked, "revoke execute on function public.n() from public, anon, authenticated;\n"),
    ):
        done = api.fix(["a.sql"], settings=settings, write=False, select=["SK104"], cache=False)
        assert done.after["a.sql"] == sql + added


def test_a_perform_on_its_own_line_is_located_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sql = (
        "create function public.base_url() returns text language sql immutable\n"
        "set search_path = '' as $$ select 'https://x' $$;\n"
        "create function public.ping() returns void language plpgsql set search_path = public\n"
        "as $$\nbegin\n  perform\n    length(base_url() || '/p');\nend $$;\n"
    )
    (tmp_path / "a.sql").write_text(sql)
    found = api.lint(["a.sql"], settings=SUPABASE, select=["SK107"], cache=False).findings
    assert [(f.line, f.column) for f in found] == [(7, 12)]
    done = api.fix(["a.sql"], settings=SUPABASE, select=["SK102"], write=False, cache=False)
    assert "    length(public.base_url() || '/p');\n" in done.after["a.sql"]
