"""Output for `apply --dry-run` (the plan) and `status` (table or json)."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.table import Table

from sqlkit.migrate.apply import Plan, StatusRow

STATUS_FORMATS = ("table", "json")
_STATE_COLOURS = {
    "applied": "green",
    "pending": "yellow",
    "changed": "red",
    "renamed": "red",
    "failed": "red",
    "outdated": "yellow",
    "missing-locally": "magenta",
}


def _console(out: TextIO) -> Console:
    return Console(file=out, highlight=False, soft_wrap=True)


def write_plan(plan: Plan, out: TextIO) -> None:
    console = _console(out)
    if not plan.to_run:
        console.print("nothing to apply: the database is up to date")
    for item in plan.to_run:
        console.print(f"would {item.action} {item.file.display}")


def write_status(rows: list[StatusRow], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump([row.__dict__ for row in rows], out, indent=2)
        out.write("\n")
        return
    table = Table("kind", "version", "name", "state", "applied at", box=None)
    for row in rows:
        colour = _STATE_COLOURS[row.state]
        table.add_row(
            row.kind, row.version or "", row.name, f"[{colour}]{row.state}[/]", row.applied_at or ""
        )
    _console(out).print(table)


def drifted(rows: list[StatusRow]) -> bool:
    """Applied files that are no longer what was applied: status exits 1."""
    return any(row.state in ("changed", "renamed") for row in rows)
