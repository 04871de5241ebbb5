"""The lint cache: unchanged files are read back, changed ones analysed again, results identical."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqlkit.cli import app
from sqlkit.lint.cache import LintCache
from sqlkit.lint.context import FileResult

ROOT = Path(__file__).resolve().parent.parent.parent
runner = CliRunner()

DEFINER = (
    "create function public.g(p_id uuid) returns int language plpgsql security definer as $$\n"
    "begin return (select count(*) from public.students where id = p_id); end $$;\n"
)
SUPPRESSED = "-- sqlkit: ignore SK104, SK101, SK103 -- reviewed\n" + DEFINER


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("SQLKIT_CACHE_DIR", str(home))
    monkeypatch.delenv("SQLKIT_NO_CACHE", raising=False)
    return home


def _lint(*args: str) -> dict:
    result = runner.invoke(app, ["lint", "--format", "json", "--fail-on", "never", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _entries(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and not p.name.endswith(".tmp")]


def _runs(home: Path) -> list[Path]:
    return [p for p in _entries(home) if p.name.startswith("run-")]


def test_second_run_reads_the_cache_and_reports_the_same(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples", project / "examples")
    monkeypatch.chdir(project)
    first = _lint("examples")
    stored = _entries(cache_home)
    assert len(_runs(cache_home)) == 1  # the whole run, and each file
    assert len(stored) == 1 + len(list((project / "examples").rglob("*.sql")))
    stamps = {p: p.stat().st_mtime_ns for p in stored}
    assert _lint("examples") == first
    assert {p: p.stat().st_mtime_ns for p in _entries(cache_home)} == stamps  # nothing rewritten
    assert _lint("examples", "--no-cache") == first


def test_an_edited_file_is_analysed_again(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.sql"
    path.write_text(DEFINER)
    codes = {f["code"] for f in _lint("f.sql")["findings"]}
    assert "SK104" in codes
    path.write_text(SUPPRESSED)  # suppressions come back from the cache too
    assert {f["code"] for f in _lint("f.sql")["findings"]} == codes - {"SK104", "SK101", "SK103"}
    assert {f["code"] for f in _lint("f.sql")["findings"]} == codes - {"SK104", "SK101", "SK103"}
    path.write_text(DEFINER)
    assert {f["code"] for f in _lint("f.sql")["findings"]} == codes


def test_an_unchanged_run_is_answered_without_the_parser_or_the_model(
    cache_home: Path, tmp_path: Path
) -> None:
    """The run cache: the same files, bytes, settings and rules give the stored result, read
    without importing pglast or the model (what makes re-linting a small project fast)."""
    (tmp_path / "f.sql").write_text(DEFINER)
    probe = (
        "import json, sys; from sqlkit import api; r = api.lint(['f.sql']); "
        "print(json.dumps([sorted(f.code for f in r.findings), "
        "'pglast' in sys.modules or 'sqlkit.model.events' in sys.modules]))"
    )
    env = {**os.environ, "SQLKIT_CACHE_DIR": str(cache_home)}
    env.pop("SQLKIT_NO_CACHE", None)

    def run() -> list:
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    codes, loaded = run()
    assert "SK104" in codes and loaded
    assert run() == [codes, False]
    (tmp_path / "f.sql").write_text(SUPPRESSED)
    edited, loaded = run()
    assert edited == sorted(set(codes) - {"SK104", "SK101", "SK103"}) and loaded
    assert len(_runs(cache_home)) == 1  # an edit replaces the run's entry


def test_the_run_cache_follows_settings_and_rule_selection(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.sql").write_text(DEFINER)
    everything = {f["code"] for f in _lint("f.sql")["findings"]}
    assert {f["code"] for f in _lint("f.sql", "--select", "SK104")["findings"]} == {"SK104"}
    assert {f["code"] for f in _lint("f.sql", "--ignore", "SK104")["findings"]} == (
        everything - {"SK104"}
    )
    (tmp_path / "sqlkit.toml").write_text('ignore = ["SK101"]\n')
    assert {f["code"] for f in _lint("f.sql")["findings"]} == everything - {"SK101"}
    (tmp_path / "sqlkit.toml").write_text('severity = { SK104 = "info" }\n')
    severities = {f["code"]: f["severity"] for f in _lint("f.sql")["findings"]}
    assert severities["SK104"] == "info"


def test_no_cache_writes_nothing(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.sql").write_text(DEFINER)
    _lint("f.sql", "--no-cache")
    monkeypatch.setenv("SQLKIT_NO_CACHE", "1")
    _lint("f.sql")
    assert _entries(cache_home) == []


def test_templates_and_stdin_are_not_cached(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.sql.j2").write_text("select {{ 1 + 1 }};\n")
    _lint("f.sql.j2")
    result = runner.invoke(app, ["lint", "-", "--format", "json"], input=DEFINER)
    assert result.exit_code == 1
    assert _entries(cache_home) == []


def test_a_damaged_entry_is_ignored(tmp_path: Path) -> None:
    cache = LintCache(tmp_path / "lint")
    result = FileResult("f.sql", "", 1, [], [], [], [])
    key = cache.key("f.sql", b"select 1;")
    cache.store(key, result)
    assert cache.load(key) == result
    assert cache.key("f.sql", b"select 2;") != key and cache.key("g.sql", b"select 1;") != key
    (tmp_path / "lint" / key).write_bytes(b"not a pickle")
    assert cache.load(key) is None
    assert cache.load("missing") is None


def test_another_versions_cache_is_kept_while_in_use(cache_home: Path, tmp_path: Path) -> None:
    """Two checkouts of different sqlkit versions on one machine must not empty each other's
    cache; a folder unused for a week goes."""
    import os
    import time

    lint_root = cache_home / "lint"
    recent, old = lint_root / "another-version", lint_root / "an-old-version"
    for folder in (recent, old):
        folder.mkdir(parents=True)
        (folder / "entry").write_bytes(b"x")
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    (tmp_path / "f.sql").write_text("select 1;\n")
    _lint(str(tmp_path / "f.sql"))
    assert recent.exists() and not old.exists()
