"""Output formats for `sqlkit diff`: text (a list that stays whole at any width) and json."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from sqlkit.live.compare import Difference, DiffResult, shown_value

DIFF_FORMATS = ("table", "json")
_STATUS = {
    "missing": ("[yellow]missing[/]", "in git, not in the database"),
    "extra": ("[magenta]extra[/]", "in the database, not in git"),
    "changed": ("[red]changed[/]", ""),
}


def report_diff(result: DiffResult, fmt: str, out: TextIO, *, color: bool | None = None) -> None:
    if fmt == "json":
        json.dump(result.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        write_text(result, out, color=color)


def what_changed(difference: Difference) -> list[str]:
    """One line per fact that differs (git's value → the database's)."""
    if difference.status != "changed":
        line = _STATUS[difference.status][1]
        if difference.children:
            line += f", with {_counted(difference)}"
        return [line]
    lines = []
    for change in difference.changes:
        expected = shown_value(change.fact, change.expected)
        actual = shown_value(change.fact, change.actual)
        if change.fact == "execute":
            lines.append(_grants(difference))
        elif change.fact == "privileges":
            lines += _relation_grants(difference)
        elif expected == actual:  # a body or expression: the unified diff below shows it
            lines.append(f"{change.fact} (diff below)")
        else:
            lines.append(f"{change.fact}: {expected or '(none)'} → {actual or '(none)'}")
    return lines


def _counted(difference: Difference) -> str:
    """`3 columns, 1 index, 2 policies`: what a missing or extra table comes or goes with."""
    counts: dict[str, int] = {}
    for child in difference.children:
        counts[child.kind] = counts.get(child.kind, 0) + 1
    plural = {"index": "indexes", "policy": "policies"}
    return ", ".join(
        f"{n} {kind if n == 1 else plural.get(kind, kind + 's')}" for kind, n in counts.items()
    )


def _grants(difference: Difference) -> str:
    assert difference.expected is not None and difference.actual is not None
    want, have = difference.expected.grantees, difference.actual.grantees
    parts = []
    if have - want:
        parts.append(f"granted only in the database to {', '.join(sorted(have - want))}")
    if want - have:
        parts.append(f"granted only in git to {', '.join(sorted(want - have))}")
    return "execute " + " and ".join(parts)


def _relation_grants(difference: Difference) -> list[str]:
    assert difference.expected is not None and difference.actual is not None
    want, have = difference.expected.privileges, difference.actual.privileges
    lines = []
    for role in sorted(set(want) | set(have)):
        extra = have.get(role, frozenset()) - want.get(role, frozenset())
        missing = want.get(role, frozenset()) - have.get(role, frozenset())
        if extra:
            lines.append(
                f"privileges: {', '.join(sorted(extra))} granted only in the database to {role}"
            )
        if missing:
            lines.append(f"privileges: {', '.join(sorted(missing))} granted only in git to {role}")
    return lines


def write_text(result: DiffResult, out: TextIO, *, color: bool | None = None) -> None:
    # a list rather than a table: names and values stay whole in any terminal width
    console = Console(
        file=out, force_terminal=color, no_color=color is False, highlight=False, soft_wrap=True
    )
    total = sum(result.compared.values())
    seconds = result.timings.get("total", 0.0)
    if result.clean:
        console.print(f"[green]no drift[/green]: {total} object(s) compared in {seconds:.2f}s")
        return
    width = max(len(d.kind) for d in result.differences)
    for difference in result.differences:
        status = _STATUS[difference.status][0]
        pad = " " * (8 - len(difference.status))
        loses = " [bold red](loses data: --allow-drop)[/]" if difference.loses_data else ""
        console.print(f"{status}{pad} {difference.kind:<{width}} {escape(difference.name)}{loses}")
        for line in what_changed(difference):
            console.print(f"{'':{width + 9}} {escape(line)}")
    for difference in result.differences:
        if difference.diff:
            console.print()
            for line in difference.diff.splitlines():
                style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
                line = escape(line)
                console.print(f"[{style}]{line}[/]" if style else line)
    counts = result.counts()
    console.print(
        f"\n[red]drift[/red]: {counts['missing']} missing, {counts['extra']} extra, "
        f"{counts['changed']} changed, of {total} object(s) compared in {seconds:.2f}s"
    )
