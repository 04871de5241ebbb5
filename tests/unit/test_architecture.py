"""The packages of sqlkit and the one direction data flows between them (docs/architecture.md).

Every `import`, at module level or inside a function, counts: a lazy import is still a
dependency. A cycle between packages fails this test, naming it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent.parent / "src" / "sqlkit"


def _unit(path: Path) -> str:
    """The architectural unit of a module: its package (`lint`), or the top-level module."""
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0] if parts[0] != "__init__" else "sqlkit"


def package_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        unit = _unit(path)
        graph.setdefault(unit, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "sqlkit" or len(parts) < 2:
                    continue
                target = parts[1]
                exists = (SRC / target).is_dir() or (SRC / f"{target}.py").exists()
                if exists and target != unit:
                    graph[unit].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_packages_import_each_other() -> None:
    assert cycles(package_imports()) == []


def test_the_lower_layers_never_reach_up() -> None:
    """sql knows nothing of the model, lint, databases or the CLI; the model nothing of lint."""
    graph = package_imports()
    forbidden = {
        "errors": {"*"},
        "data": {"*"},
        "sql": {"model", "lint", "migrate", "engines", "live", "verify", "cli", "api", "render"},
        "model": {"lint", "migrate", "engines", "live", "verify", "cli", "api"},
        "lint": {"migrate", "engines", "live", "verify", "cli", "api"},
        "engines": {"lint", "migrate", "live", "verify", "cli", "api", "model", "sql"},
    }
    for package, banned in forbidden.items():
        reached = graph.get(package, set())
        bad = reached if "*" in banned else reached & banned
        assert not bad, f"{package} imports {sorted(bad)}"
