"""`sqlkit lint --fix / --diff / --unsafe-fixes` as a user runs it (a subprocess): the
happy path, and every input it must refuse with exit 2, one line on stderr, no traceback
and the file exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# a definer function whose path must be pinned, its table qualified, and a NULL-unsafe guard
SQL = """create table public.notes (id bigint primary key, owner uuid);
alter table public.notes enable row level security;

-- security definer: removes the caller's note
create function public.drop_note(p_id bigint) returns void
language plpgsql security definer as $$
declare v_owner uuid;
begin
  select owner into v_owner from notes where id = p_id;
  if auth.uid() <> v_owner then raise exception 'forbidden'; end if;
  delete from notes where id = p_id;
end $$;
revoke execute on function public.drop_note(bigint) from public, anon;
grant execute on function public.drop_note(bigint) to authenticated;
"""


def sqlkit(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SQLKIT_CACHE_DIR": str(cwd / ".cache"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "sqlkit", "lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sqlkit.toml").write_text('target = "supabase"\n')
    (tmp_path / "a.sql").write_text(SQL)
    return tmp_path


def refused(run: subprocess.CompletedProcess[str], message: str) -> None:
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_fix_then_report_what_remains(folder: Path) -> None:
    run = sqlkit(folder, "--fix", "a.sql", "--select", "SK101,SK107,SK115")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr.startswith("fixed 3 findings in 1 file")  # SK101, SK107 (notes), SK115
    text = (folder / "a.sql").read_text()
    assert "language plpgsql security definer set search_path = '' as $$" in text
    assert "from public.notes where" in text and "if auth.uid() is distinct from v_owner" in text
    assert sqlkit(folder, "a.sql", "--select", "SK101,SK107,SK115").returncode == 0


def test_diff_prints_and_writes_nothing(folder: Path) -> None:
    run = sqlkit(folder, "--diff", "a.sql")
    assert run.returncode == 1 and run.stdout.startswith("--- a/a.sql\n+++ b/a.sql\n")
    assert (folder / "a.sql").read_text() == SQL
    assert sqlkit(folder, "--diff", "a.sql", "--select", "SK201").returncode == 0


def test_the_diff_applies_as_patch_would_and_equals_the_fix(folder: Path) -> None:
    """A file without a final newline and one with a UTF-8 BOM: the diff has the `\\ No
    newline at end of file` marker and the BOM, so `git apply` makes what --fix writes."""
    no_eol = "create function public.c() returns int language sql security definer\n"
    no_eol += "set search_path = '' as $$ select 1 $$;"
    bom = "\ufeffcreate function public.e() returns int language sql as $$ select 1 $$;\n"
    (folder / "noeol.sql").write_text(no_eol)
    (folder / "bom.sql").write_text(bom, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    run = sqlkit(folder, "--diff", "noeol.sql", "bom.sql")
    assert run.returncode == 1 and "\\ No newline at end of file\n" in run.stdout
    (folder / "fixes.diff").write_text(run.stdout, encoding="utf-8")
    subprocess.run(["git", "apply", "fixes.diff"], cwd=folder, check=True)
    patched = {name: (folder / name).read_bytes() for name in ("noeol.sql", "bom.sql")}
    (folder / "noeol.sql").write_text(no_eol)
    (folder / "bom.sql").write_text(bom, encoding="utf-8")
    assert sqlkit(folder, "--fix", "noeol.sql", "bom.sql").returncode == 0
    assert {name: (folder / name).read_bytes() for name in patched} == patched
    assert patched["bom.sql"].startswith(b"\xef\xbb\xbf") and b"stable" in patched["bom.sql"]


def test_diff_takes_no_report_format_or_output(folder: Path) -> None:
    for flags in (["--format", "json"], ["-o", "out.txt"], ["--fix"]):
        refused(sqlkit(folder, "--diff", *flags, "a.sql"), "--diff prints the fixes")
    assert (folder / "a.sql").read_text() == SQL and not (folder / "out.txt").exists()


def test_read_only_file(folder: Path) -> None:
    (folder / "a.sql").chmod(0o444)
    refused(sqlkit(folder, "--fix", "a.sql"), "a.sql: is read-only; nothing was written")
    assert (folder / "a.sql").read_text() == SQL


def test_symbolic_link(folder: Path) -> None:
    (folder / "real.sql").write_text(SQL)
    (folder / "a.sql").unlink()
    (folder / "a.sql").symlink_to(folder / "real.sql")
    refused(sqlkit(folder, "--fix", "a.sql"), "a.sql: is a symbolic link")
    assert (folder / "real.sql").read_text() == SQL and (folder / "a.sql").is_symlink()


def test_not_utf8(folder: Path) -> None:
    data = SQL.replace("removes", "r\xe9moves").encode("latin-1")
    (folder / "a.sql").write_bytes(data)
    refused(sqlkit(folder, "--fix", "a.sql"), "a.sql: not valid UTF-8")
    assert (folder / "a.sql").read_bytes() == data


def test_standard_input_and_flags(folder: Path) -> None:
    refused(sqlkit(folder, "--fix", "-", stdin=SQL), "standard input cannot be fixed")
    refused(sqlkit(folder, "--unsafe-fixes", "a.sql"), "--unsafe-fixes goes with --fix")
    for jobs in ("0", "-3"):
        refused(sqlkit(folder, "--jobs", jobs, "a.sql"), "give 1 or more worker processes")
    assert (folder / "a.sql").read_text() == SQL
