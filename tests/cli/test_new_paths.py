"""`sqlkit new KIND NAME`: NAME is an object name, never a path; the file lands in the project.

Run as a user runs it (a subprocess): a NAME or a project template that would write
outside the project's folder is exit 2 with one line on stderr, no traceback, and
nothing written anywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sqlkit.config import load_settings
from sqlkit.errors import TemplateError
from sqlkit.render.render import new_file

RPC = ["--set", "returns=[id uuid]", "--set", "query=select 1"]
MIGRATION_TEMPLATE = """{#- sqlkit-template
description = "a migration"
folder = "migrations"
[params.name]
type = "ident"
help = "table name"
-#}
create table public.{{ name }} (id bigint primary key);
"""


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def _new(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SQLKIT_CACHE_DIR": str(project.parent / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "sqlkit", "new", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "deep" / "project"
    (root / "templates").mkdir(parents=True)
    (root / "sqlkit.toml").write_text("")
    (root / "templates" / "create-table.sql.j2").write_text(MIGRATION_TEMPLATE)
    (tmp_path / "outside").mkdir()
    return root


def _assert_refused(project: Path, *args: str) -> str:
    world = project.parent.parent
    before = _files(world)
    result = _new(project, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert _files(world) == before, "something was written"
    return lines[0]


NOT_NAMES = ["../../escaped", "../escaped", "a/b", "a\\b", "..", ".", ".hidden", "x\ny", "a:b", ""]


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("rpc-table", "../../escaped"),
        ("rpc-table", "a\\b"),
        ("rpc-table", ".."),
        ("rpc-table", "x\ny"),
        ("create-table", "../../escaped"),  # a migration: the timestamp goes in front
        ("create-table", ".hidden"),
    ],
)
def test_a_name_that_is_a_path_is_refused(project: Path, kind: str, name: str) -> None:
    message = _assert_refused(project, kind, name, *(RPC if kind == "rpc-table" else []))
    assert message.startswith(f"error: NAME {name!r} is not an object name")


@pytest.mark.parametrize("name", NOT_NAMES)
@pytest.mark.parametrize("kind", ["rpc-table", "create-table"])
def test_new_file_refuses_every_name_that_is_not_an_object_name(
    project: Path, kind: str, name: str
) -> None:
    world = project.parent.parent
    before = _files(world)
    params = {"returns": ["id uuid"], "query": "select 1"} if kind == "rpc-table" else {}
    with pytest.raises(TemplateError, match="is not an object name"):
        new_file(load_settings(project), kind, name, params)
    assert _files(world) == before


def test_an_absolute_name_is_refused(project: Path) -> None:
    # short enough to be a legal identifier (63 bytes), so only the path check stands in the way
    outside = Path(tempfile.mkdtemp(prefix="sk", dir="/tmp"))
    try:
        for args in (RPC, ["--set", "table=public.t", "--set", "tags=[t]"]):
            kind = "rpc-table" if args is RPC else "invalidation-trigger"
            _assert_refused(project, kind, str(outside / "abs"), *args)
            assert list(outside.iterdir()) == []
    finally:
        shutil.rmtree(outside)


def test_a_project_template_cannot_write_outside_its_folder(project: Path) -> None:
    for line in ['folder = "../../outside"', 'folder = "/tmp"', 'filename = "../{name}.sql"']:
        (project / "templates" / "evil.sql.j2").write_text(
            MIGRATION_TEMPLATE.replace('folder = "migrations"', line)
        )
        _assert_refused(project, "evil", "t")


def test_a_symbolic_link_out_of_the_project_is_not_followed(project: Path) -> None:
    (project / "functions").mkdir()
    outside = project.parent.parent / "outside" / "planted.sql"
    (project / "functions" / "f.sql").symlink_to(outside)
    _assert_refused(project, "rpc-table", "f", *RPC, "--force")
    assert not outside.exists()


def test_legal_names_land_inside_the_project(project: Path) -> None:
    result = _new(project, "rpc-table", "Mixed Case", *RPC)
    assert result.returncode == 0, result.stderr
    assert (project / "functions" / "Mixed Case.sql").is_file()
    result = _new(project, "create-table", "élève")
    assert result.returncode == 0, result.stderr
    (written,) = (project / "migrations").iterdir()
    assert written.name.endswith("_élève.sql") and written.name[:14].isdigit()
