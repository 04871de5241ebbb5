"""The CI recipes of docs/ci.md (examples/ci/) cannot rot: each workflow is parsed, its wiring
checked (the SARIF file uploaded is the one written, the JUnit report read is the one made),
and every sqlkit command in it runs, as the shell would run it, against the embedded engine
with the production DSN replaced by a test database."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sqlkit.engines.base import create_database, drop_database
from sqlkit.engines.shim import install_shim
from sqlkit.testing import SqlkitServer
from tests.integration.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent.parent
RECIPES = ROOT / "examples" / "ci"
GITHUB = sorted((RECIPES / "github").glob("*.yml"))
DRIFT = RECIPES / "github" / "sqlkit-drift.yml"
GITLAB = RECIPES / "gitlab" / ".gitlab-ci.yml"
_SECRET = re.compile(r"^\$\{\{\s*secrets\.([A-Z_][A-Z0-9_]*)\s*\}\}$")
# the masked CI/CD variables the pipeline's header tells a user to set
GITLAB_SECRETS = ("DATABASE_URL", "DATABASE_READONLY_URL")
_GITLAB_KEYWORDS = {"stages", "default", "variables", "include", "workflow", "image", "services"}


@pytest.fixture
def production(sqlkit_server: SqlkitServer) -> Iterator[str]:
    """A database standing in for production: a Supabase-like server (the shim), empty."""
    db = "sqlkit_ci_production"
    create_database(sqlkit_server.server, db)
    with sqlkit_server.server.connect(db) as conn:
        install_shim(conn, "supabase", ("public",))
    try:
        yield sqlkit_server.server.url(db)
    finally:
        drop_database(sqlkit_server.server, db)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _lines(run: str) -> list[str]:
    return [line.strip() for line in run.splitlines() if line.strip()]


def github_steps(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(command line, env) of every `run:` step, with the env of workflow, job and step."""
    workflow = _load(path)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                continue
            env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
            for line in _lines(step["run"]):
                yield line, env


def gitlab_steps(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    config = _load(path)
    default = config.get("default", {})
    for name, job in config.items():
        if name in _GITLAB_KEYWORDS or name.startswith("."):
            continue
        # variables scoped to an environment reach only the jobs that deploy to it
        scoped = job.get("environment") == "production"
        secrets = {name: f"${name}" for name in GITLAB_SECRETS} if scoped else {}
        env = {**secrets, **config.get("variables", {}), **job.get("variables", {})}
        for key in ("before_script", "script"):
            for line in job.get(key, default.get(key, [])):
                yield line, env


def _environment(env: dict[str, str], dsn: str) -> dict[str, str]:
    """The recipe's env with every secret replaced by the test database."""
    out = {}
    for key, value in env.items():
        secret = _SECRET.match(str(value))
        if secret or str(value).startswith("$"):  # GitLab: a CI/CD variable, i.e. a secret
            out[key] = dsn
        else:
            assert "${{" not in str(value), f"{key}: an expression the test cannot stand in for"
            out[key] = str(value)
    return out


def test_github_workflows_are_wired_as_documented() -> None:
    flows = {path.stem: _load(path) for path in GITHUB}
    assert set(flows) == {"sqlkit-lint", "sqlkit-verify", "sqlkit-deploy", "sqlkit-drift"}
    triggers = {name: flow.get("on", flow.get(True)) for name, flow in flows.items()}
    assert "pull_request" in triggers["sqlkit-lint"]
    assert triggers["sqlkit-deploy"] == {"push": {"branches": ["main"]}}
    assert "schedule" in triggers["sqlkit-drift"]
    lint = flows["sqlkit-lint"]
    assert lint["permissions"]["security-events"] == "write"
    steps = lint["jobs"]["lint"]["steps"]
    written = [
        shlex.split(s["run"])[shlex.split(s["run"]).index("--output") + 1]
        for s in steps
        if "--format sarif" in s.get("run", "")
    ]
    uploads = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    ]
    assert written and uploads and uploads[0]["with"]["sarif_file"] == written[0]
    assert any("--format github" in s.get("run", "") for s in steps)
    verify = flows["sqlkit-verify"]["jobs"]["verify"]["steps"]
    junit = next(shlex.split(s["run"]) for s in verify if "--junit" in s.get("run", ""))
    report = next(s for s in verify if "junit" in s.get("uses", ""))
    assert report["with"]["report_paths"] == junit[junit.index("--junit") + 1]
    deploy = flows["sqlkit-deploy"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert _SECRET.match(deploy["jobs"]["deploy"]["env"]["DATABASE_URL"])


def test_gitlab_pipeline_is_wired_as_documented() -> None:
    config = _load(GITLAB)
    assert {"lint", "verify", "deploy", "drift"} <= set(config)
    header = GITLAB.read_text().split("\nstages:")[0]
    assert all(name in header for name in GITLAB_SECRETS)
    verify = config["verify"]
    junit = shlex.split(verify["script"][0])
    assert verify["artifacts"]["reports"]["junit"] == junit[junit.index("--junit") + 1]
    assert config["deploy"]["resource_group"] == "production"
    lint = shlex.split(config["lint"]["script"][0])
    assert lint[lint.index("--format") + 1] == "gitlab"
    assert config["lint"]["artifacts"]["reports"]["codequality"] == lint[lint.index("--output") + 1]
    assert any("schedule" in rule["if"] for rule in config["drift"]["rules"])


def test_every_sqlkit_command_of_the_recipes_runs(
    production: str, sqlkit_server: SqlkitServer, tmp_path: Path
) -> None:
    assert run_cli(["init", "app"], tmp_path).returncode == 0
    project = tmp_path / "app"
    bindir = str(Path(sys.executable).parent)  # the `sqlkit` script of this environment
    base = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "200"}
    for name in ("DATABASE_URL", "SQLKIT_DSN", "SQLKIT_ENGINE"):
        base.pop(name, None)
    # in the order CI meets them: lint and verify on a pull request, deploy, then the drift job
    order = ["sqlkit-lint", "sqlkit-verify", "sqlkit-deploy", "sqlkit-drift"]
    steps = [step for stem in order for step in github_steps(RECIPES / "github" / f"{stem}.yml")]
    steps += list(gitlab_steps(GITLAB))
    ran: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for line, env in steps:
        if line.startswith("pip install"):
            assert shlex.split(line)[2:] == ["sqlkit-pg"], line
            continue
        assert line.startswith("sqlkit "), f"a recipe runs {line!r}: add it to this test"
        environment = _environment(env, production)
        key = (line, tuple(sorted(environment.items())))
        if key in ran:
            continue
        ran.add(key)
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=project,
            env={**base, **environment},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (line, result.stdout[-2000:], result.stderr[-2000:])
    assert (project / "sqlkit.sarif").is_file() and (project / "sqlkit-verify.xml").is_file()
    assert isinstance(json.loads((project / "gl-code-quality.json").read_text()), list)
    commands = {line.split()[1] for line, _ in ran}
    assert {"lint", "verify", "apply", "status", "diff"} <= commands
    # the scheduled job does fail when production drifts from git
    with sqlkit_server.server.connect(production.rsplit("/", 1)[1]) as conn:
        conn.execute("alter function public.my_note_count() set search_path = public")
    drift, env = next((line, env) for line, env in github_steps(DRIFT) if "sqlkit diff" in line)
    result = subprocess.run(
        ["bash", "-c", drift],
        cwd=project,
        env={**base, **_environment(env, production)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "search_path" in (project / "drift-fix.sql").read_text()
