"""The CLI as a user meets it: exit codes, one-line errors, no tracebacks, every format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sqlkit.cli import app

runner = CliRunner()

CLEAN = "create function public.f() returns int language sql stable set search_path = '' as $$ select 1 $$;\n"
BROKEN = (
    "create function public.g(p_student_id uuid) returns int language plpgsql security definer as $$\n"
    "begin return (select count(*) from students where id = p_student_id); end $$;\n"
)
INFO_ONLY = (
    "create function public.h() returns int language sql set search_path = '' as $$ select 1 $$;\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.sql").write_text(CLEAN)
    (tmp_path / "broken.sql").write_text(BROKEN)
    (tmp_path / "info.sql").write_text(INFO_ONLY)
    return tmp_path


def _no_traceback(result: Result) -> None:
    """The CLI's own error handling ran (CliRunner goes through it too): a SqlkitError or usage
    error ends in SystemExit with its code; anything else would be exit 3, "internal error"."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 3 and "internal error" not in result.output
    assert "Traceback" not in result.output


def test_clean_file_exits_0(project: Path) -> None:
    result = runner.invoke(app, ["lint", "clean.sql"])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_findings_exit_1_with_code_frame_and_help(project: Path) -> None:
    result = runner.invoke(app, ["lint", "broken.sql"])
    assert result.exit_code == 1
    assert "broken.sql:1:1:" in result.output and "SK104" in result.output
    assert "help:" in result.output and "^" in result.output
    _no_traceback(result)


def test_fail_on_controls_the_exit_code(project: Path) -> None:
    assert runner.invoke(app, ["lint", "info.sql"]).exit_code == 0
    assert runner.invoke(app, ["lint", "info.sql", "--fail-on", "info"]).exit_code == 1
    assert runner.invoke(app, ["lint", "broken.sql", "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(app, ["lint", "broken.sql", "--select", "SK113"]).exit_code == 0


def test_json_shape_is_stable(project: Path) -> None:
    result = runner.invoke(app, ["lint", "--format", "json", "broken.sql", "clean.sql"])
    data = json.loads(result.output)
    assert set(data) == {"version", "findings", "summary"} and data["version"] == 1
    assert set(data["summary"]) == {"files", "statements", "errors", "warnings", "infos"}
    assert data["summary"]["files"] == 2 and data["summary"]["statements"] == 2
    keys = {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "severity",
        "message",
        "help",
        "object",
        "fix",  # null, or the edits that remove it (see docs/lint.md, "Fixing")
    }
    for finding in data["findings"]:
        assert set(finding) == keys
        assert finding["path"] == "broken.sql"
        assert finding["object"] == "public.g(uuid)"  # every finding names its object
    order = [(f["path"], f["line"], f["column"], f["code"]) for f in data["findings"]]
    assert order == sorted(order)


def test_directory_paths_are_reported_as_given(project: Path) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "001_x.sql").write_text(BROKEN)
    result = runner.invoke(app, ["lint", "--format", "json", "sub"])
    paths = {f["path"] for f in json.loads(result.output)["findings"]}
    assert paths == {os.path.join("sub", "001_x.sql")}


def test_stdin(project: Path) -> None:
    result = runner.invoke(app, ["lint", "-", "--format", "json"], input=BROKEN)
    data = json.loads(result.output)
    assert result.exit_code == 1 and {f["path"] for f in data["findings"]} == {"-"}


def test_github_format(project: Path) -> None:
    result = runner.invoke(app, ["lint", "--format", "github", "broken.sql"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("file=broken.sql,line=1,col=1" in line for line in lines)


def test_sarif_to_file(project: Path) -> None:
    result = runner.invoke(app, ["lint", "--format", "sarif", "-o", "out.sarif", "broken.sql"])
    assert result.exit_code == 1
    doc = json.loads((project / "out.sarif").read_text())
    assert doc["version"] == "2.1.0" and doc["runs"][0]["results"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["lint", "missing.sql"], "missing.sql: no such file or directory"),
        (["lint", "--format", "xml", "clean.sql"], "unknown format 'xml'"),
        (["lint", "--select", "SK999", "clean.sql"], "unknown rule selector 'SK999'"),
        (["lint", "--fail-on", "loud", "clean.sql"], "unknown --fail-on 'loud'"),
        (["rule", "SK999"], "unknown rule 'SK999'"),
    ],
)
def test_user_errors_exit_2_with_one_line(project: Path, args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.output
    _no_traceback(result)


def test_bad_config_exits_2(project: Path) -> None:
    (project / "sqlkit.toml").write_text("tagret = 'postgres'\n")
    result = runner.invoke(app, ["lint", "clean.sql"])
    assert result.exit_code == 2
    assert "unknown key `tagret`" in result.output and "sqlkit.toml" in result.output
    _no_traceback(result)


def test_no_paths_and_no_project_folders(project: Path) -> None:
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 2 and "nothing to lint" in result.output


def test_default_paths_are_the_project_folders(project: Path) -> None:
    (project / "migrations").mkdir()
    (project / "migrations" / "001_init.sql").write_text(BROKEN)
    result = runner.invoke(app, ["lint", "--format", "json"])
    assert {f["path"] for f in json.loads(result.output)["findings"]} == {"migrations/001_init.sql"}


def test_rules_and_rule(project: Path) -> None:
    listing = runner.invoke(app, ["rules"])
    assert (
        listing.exit_code == 0
        and "SK104" in listing.output
        and "security-definer-exposed" in listing.output
    )
    page = runner.invoke(app, ["rule", "sk104"])
    assert page.exit_code == 0 and "Why is this bad?" in page.output
    assert "0001_unindexed_foreign_keys" in listing.output  # the splinter lint SK214 mirrors
    data = json.loads(runner.invoke(app, ["rules", "--format", "json"]).output)
    assert [r["code"] for r in data][:3] == ["SK000", "SK001", "SK101"]
    by_code = {r["code"]: r for r in data}
    assert by_code["SK214"]["splinter"] == "0001_unindexed_foreign_keys"
    assert by_code["SK501"]["live_only"] and not by_code["SK214"]["live_only"]


def test_templates_are_rendered_before_linting(project: Path) -> None:
    (project / "sqlkit.toml").write_text('vars = {schema = "public"}\n')
    (project / "f.sql.j2").write_text(
        "create function {{ schema | ident }}.t() returns int language sql stable as $$ select 1 $$;\n"
    )
    (project / "bad.sql.j2").write_text("select {{ nope }};\n")
    result = runner.invoke(app, ["lint", "--format", "json", "f.sql.j2", "bad.sql.j2"])
    findings = json.loads(result.output)["findings"]
    assert {(f["path"], f["code"]) for f in findings} == {
        ("f.sql.j2", "SK101"),
        ("bad.sql.j2", "SK000"),
    }
    assert "'nope' is undefined" in next(f for f in findings if f["code"] == "SK000")["message"]


def test_console_script_runs_without_traceback(project: Path) -> None:
    exe = Path(sys.executable).parent / "sqlkit"
    proc = subprocess.run([str(exe), "lint", "nope.sql"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr


def test_json_stays_json_when_a_body_asks_plpgsql_to_dump(project: Path) -> None:
    """`#option dump` makes the PL/pgSQL parser print to the process's stdout (C level)."""
    (project / "dump.sql").write_text(
        "create function public.g() returns int language plpgsql stable set search_path = ''\n"
        "as $$\n#option dump\nbegin\n  return 1;\nend $$;\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "sqlkit", "lint", "--no-cache", "--format", "json", "dump.sql"],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert json.loads(proc.stdout)["summary"]["statements"] == 1


def test_text_report_colours_only_when_asked(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    plain = subprocess.run(
        [sys.executable, "-m", "sqlkit", "lint", "broken.sql"],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
    )
    assert "\x1b[" not in plain.stdout and "SK104" in plain.stdout
    forced = subprocess.run(
        [sys.executable, "-m", "sqlkit", "lint", "broken.sql"],
        capture_output=True,
        text=True,
        cwd=project,
        env={**env, "FORCE_COLOR": "1"},
    )
    assert "\x1b[1;31mSK104\x1b[0m" in forced.stdout


def test_json_text_is_the_standard_librarys() -> None:
    """The JSON reporter's fast path writes what json.dumps(indent=2, ensure_ascii=False)
    writes, byte for byte: keys, nesting, floats, null, empty containers, non-ASCII text."""
    from sqlkit.lint.reporters.json import dumps

    data = {
        "version": 1,
        "findings": [
            {"path": "é/ü.sql", "line": 1, "message": 'tab\t \u2028 ✓ "q" \\ \x01', "object": None},
            {"path": "b.sql", "score": 1.5, "empty": [], "nested": {}, "flag": True},
        ],
        "summary": {},
    }
    assert dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_given_project_files_are_linted_with_the_whole_project(project: Path) -> None:
    """What pre-commit does: only the changed file is passed. The table it creates is protected
    by the next migration, so there is no SK201; a finding in another file is not reported;
    --isolated builds the model from the given file alone."""
    (project / "migrations").mkdir()
    (project / "migrations" / "1_notes.sql").write_text(
        "create table public.notes (id bigint primary key, owner_id uuid);\n"
    )
    (project / "migrations" / "2_rls.sql").write_text(
        "alter table public.notes enable row level security;\n"
        "create policy notes_read on public.notes for select to authenticated\n"
        "  using ((select auth.uid()) = owner_id);\n" + BROKEN
    )
    whole = runner.invoke(app, ["lint", "--format", "json", "migrations/1_notes.sql"])
    assert whole.exit_code == 0, whole.output
    data = json.loads(whole.stdout)
    assert data["findings"] == [] and data["summary"]["files"] == 1
    alone = runner.invoke(app, ["lint", "--format", "json", "--isolated", "migrations/1_notes.sql"])
    assert alone.exit_code == 1
    assert [f["code"] for f in json.loads(alone.stdout)["findings"]] == ["SK201"]
    # a file outside the project's folders is linted on its own, as before
    outside = runner.invoke(app, ["lint", "--format", "json", "--select", "SK201", "clean.sql"])
    assert outside.exit_code == 0 and json.loads(outside.stdout)["summary"]["files"] == 1
    _no_traceback(alone)


def test_a_partial_run_reports_what_the_full_run_reports_for_its_files(project: Path) -> None:
    (project / "migrations").mkdir()
    (project / "migrations" / "1_fn.sql").write_text(BROKEN)
    (project / "migrations" / "2_more.sql").write_text(
        BROKEN.replace("public.g(", "public.h(")
        + "alter function public.g(uuid) set search_path = public;\n"
    )
    full = json.loads(runner.invoke(app, ["lint", "--format", "json", "migrations"]).stdout)
    for name in ("1_fn.sql", "2_more.sql"):
        path = f"migrations/{name}"
        part = json.loads(runner.invoke(app, ["lint", "--format", "json", path]).stdout)
        assert part["findings"] == [f for f in full["findings"] if f["path"] == path]
        assert part["findings"], name
