"""Every command has a docs page that shows it, the README links every page, its rule table is
generated, and every install line names the distribution (sqlkit-pg), not PyPI's other sqlkit."""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib.metadata import distribution, packages_distributions
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


DISTRIBUTION = "sqlkit-pg"  # "sqlkit" on PyPI is an unrelated project


def test_distribution_name_keeps_the_sqlkit_command_and_import() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"sqlkit": "sqlkit.__main__:main"}
    assert project["entry-points"]["pytest11"] == {"sqlkit": "sqlkit.testing"}
    # and what is installed here says the same (a stale install fails this: reinstall)
    assert DISTRIBUTION in packages_distributions()["sqlkit"]
    entry_points = {(e.group, e.name, e.value) for e in distribution(DISTRIBUTION).entry_points}
    assert ("console_scripts", "sqlkit", "sqlkit.__main__:main") in entry_points
    assert ("pytest11", "sqlkit", "sqlkit.testing") in entry_points


_WRONG_INSTALL = re.compile(
    r"(?:pip|pipx|uv tool|uv pip) install[^#\n]*?(?<![\w./-])sqlkit(?!-pg)\b|(?<![\w-])sqlkit\[",
)


def test_install_lines_name_the_distribution() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            assert not _WRONG_INSTALL.search(line), (
                f"{page.relative_to(ROOT)}:{number} installs `sqlkit`, an unrelated PyPI "
                f"project: use {DISTRIBUTION}"
            )
