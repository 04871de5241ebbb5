"""`make demo`: show sqlkit's main job on the examples — a compliant and a broken migration."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
SQLKIT = [sys.executable, "-m", "sqlkit"]
console = Console()


def run(title: str, args: list[str], expect_clean: bool) -> bool:
    console.print(Rule(f"[bold]{title}[/bold]"))
    console.print(f"[dim]$ sqlkit {' '.join(args)}[/dim]")
    started = time.perf_counter()
    code = subprocess.call([*SQLKIT, *args], cwd=ROOT)
    elapsed = time.perf_counter() - started
    ok = (code == 0) if expect_clean else (code == 1)
    verdict = "[green]as expected[/green]" if ok else "[red]unexpected[/red]"
    console.print(f"[dim]exit {code} in {elapsed:.2f}s — {verdict}[/dim]\n")
    return ok


def main() -> int:
    console.print(
        "[bold]sqlkit demo[/bold]: static lint of Postgres/Supabase SQL, no database needed.\n"
    )
    ok = run("A compliant migration", ["lint", "examples/001_compliant.sql"], expect_clean=True)
    ok &= run(
        "A deliberately broken migration", ["lint", "examples/002_broken.sql"], expect_clean=False
    )
    ok &= run(
        "The same findings as GitHub annotations",
        ["lint", "--format", "github", "--select", "SK104,SK110", "examples/002_broken.sql"],
        expect_clean=False,
    )
    console.print(
        "Every rule: [bold]sqlkit rules[/bold] · one rule's docs: [bold]sqlkit rule SK110[/bold]"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
