"""Output for `apply --dry-run` (the plan), `status` (table or json), `baseline`, and fleets
(`apply --targets`, `status --targets`: a live table, then a per-target table or json)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from sqlkit.migrate.apply import Plan, StatusRow
from sqlkit.migrate.baseline import BaselineResult
from sqlkit.migrate.fleet import FINAL_STATES, FleetResult, TargetRun

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
        state = f"{row.state} (baselined)" if row.baselined else row.state
        table.add_row(
            row.kind, row.version or "", row.name, f"[{colour}]{state}[/]", row.applied_at or ""
        )
    _console(out).print(table)


def drifted(rows: list[StatusRow]) -> bool:
    """Applied files that are no longer what was applied: status exits 1."""
    return any(row.state in ("changed", "renamed") for row in rows)


# ------------------------------------------------------------------------------ baseline
def write_baseline(result: BaselineResult, out: TextIO) -> None:
    console = _console(out)
    verb = "would record" if result.dry_run else "recorded"
    for column in result.upgraded:
        console.print(f"sqlkit.schema_history: added column {column}")
    for file in result.recorded:
        console.print(f"{verb} {file.display} as applied (baselined, not run)")
    for file in result.already:
        console.print(f"[dim]{file.display}: already in the history[/dim]")
    for version in result.without_file:
        console.print(
            f"[yellow]warning:[/yellow] {version} is in {result.source} but has no file here: "
            "not recorded"
        )
    if not result.recorded:
        console.print(f"nothing to record: the history already has {result.source}")
    else:
        console.print(
            f"[green]{verb} {len(result.recorded)} migration(s)[/green] from {result.source}; "
            "`sqlkit status` shows what is still pending"
        )


# -------------------------------------------------------------------------------- fleets
FLEET_FORMATS = ("table", "json")
_RUN_COLOURS = {
    "waiting": "dim",
    "running": "cyan",
    "applied": "green",
    "up to date": "green",
    "pending": "yellow",
    "drift": "red",
    "failed": "red",
    "skipped": "yellow",
    "interrupted": "red",
}


def _files_cell(run: TargetRun) -> str:
    if run.status is not None:
        counts: dict[str, int] = {}
        for row in run.status:
            counts[row.state] = counts.get(row.state, 0) + 1
        return ", ".join(f"{n} {state}" for state, n in counts.items())
    done = len(run.applied)
    total = f"/{run.to_run}" if run.to_run is not None else ""
    return f"{done}{total}" if run.state != "waiting" else ""


def fleet_table(runs: list[TargetRun], *, live: bool = False) -> Table:
    """One row per target: its state, files and time; live, also the file it is in."""
    table = Table("target", "database", "state", "files", "time", box=None)
    if live:
        table.add_column("now", no_wrap=True, overflow="ellipsis", max_width=60)
    for run in runs:
        colour = _RUN_COLOURS.get(run.state, "")
        seconds = f"{run.seconds:.1f}s" if run.started is not None else ""
        cells = [
            escape(run.target.name),
            escape(run.target.database),
            f"[{colour}]{run.state}[/]",
            _files_cell(run),
            seconds,
        ]
        if live:
            cells.append(escape(run.current or run.error or ""))
        table.add_row(*cells)
    return table


def _failure_line(run: TargetRun) -> str:
    """`name: error`, with the file it failed in when the error does not name it already."""
    error = run.error or run.state
    if error.startswith(run.state):
        return f"{run.target.name}: {error}"
    where = run.failed_file
    at = f" in {where}" if where and where not in error else ""
    return f"{run.target.name}: {run.state}{at}: {error}"


class FleetProgress:
    """The live table while a fleet runs (a terminal), or one line per finished target (a
    log); call `changed` from any thread."""

    def __init__(self, runs_of: Callable[[], list[TargetRun]], out: Console) -> None:
        self._runs_of = runs_of
        self._out = out
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __rich__(self) -> Table:
        return fleet_table(self._runs_of(), live=True)

    def __enter__(self) -> FleetProgress:
        if self._out.is_terminal:
            self._live = Live(self, console=self._out, refresh_per_second=4, transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)

    def changed(self, run: TargetRun) -> None:
        if self._live is not None or run.state not in FINAL_STATES:
            return
        with self._lock:  # a line per finished target, never two at once
            if run.error:
                line = _failure_line(run)
            else:
                line = f"{run.target.name}: {run.state}, {len(run.applied)} file(s) applied"
            self._out.print(escape(line), highlight=False)


def write_fleet(result: FleetResult, fmt: str, out: TextIO, *, command: str) -> None:
    """The final per-target report of `apply --targets` or `status --targets`."""
    if fmt == "json":
        json.dump(_fleet_json(result, command), out, indent=2)
        out.write("\n")
        return
    console = _console(out)
    console.print(fleet_table(result.runs))
    for run in result.runs:
        if run.error:
            console.print(f"[red]{escape(_failure_line(run))}[/red]")
    states = ", ".join(f"{n} {state}" for state in FINAL_STATES if (n := result.count(state)))
    console.print(f"{len(result.runs)} target(s): {states}")


def _fleet_json(result: FleetResult, command: str) -> dict[str, Any]:
    targets = []
    for run in result.runs:
        entry: dict[str, Any] = {
            "name": run.target.name,
            "database": run.target.database,
            "state": run.state,
            "seconds": round(run.seconds, 3),
            "error": run.error,
            "failed_file": run.failed_file,
        }
        if command == "status":
            entry["files"] = [row.__dict__ for row in run.status or []]
        else:
            entry["applied"] = run.applied
            entry["to_run"] = run.to_run
        targets.append(entry)
    summary = {state.replace(" ", "_"): result.count(state) for state in FINAL_STATES}
    return {
        "version": 1,
        "command": command,
        "targets": targets,
        "summary": {"targets": len(result.runs), **summary},
        "interrupted": result.interrupted,
    }
