"""Every command has a docs page that shows it, the README links every page, and its rule table
is generated from the rule registry."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from typer.main import get_command

from sqlkit.cli import app

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_command_is_documented() -> None:
    commands = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    assert {
        "lint",
        "rules",
        "rule",
        "apply",
        "status",
        "repair",
        "verify",
        "init",
        "new",
        "render",
        "templates",
    } <= set(commands)
    pages = {p.name: p.read_text() for p in (ROOT / "docs").glob("*.md")}
    for command in commands:
        shown = [name for name, text in pages.items() if f"sqlkit {command}" in text]
        assert shown, f"no page in docs/ shows `sqlkit {command}`"
        assert f"`sqlkit {command}" in (ROOT / "README.md").read_text() or command in ("rule",), (
            command
        )


def test_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"


def _gen_rule_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _gen_rule_docs().with_rule_table(readme) == readme, (
        "README.md's rule table is stale: run `make docs`"
    )
