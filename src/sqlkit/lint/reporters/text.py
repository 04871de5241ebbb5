"""Human output: `path:line:col: CODE message`, a code frame, and the help line."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape

from sqlkit.lint.finding import LintResult

_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def write_text(result: LintResult, out: TextIO, *, color: bool | None = None) -> None:
    console = Console(
        file=out, force_terminal=color, no_color=color is False, highlight=False, soft_wrap=True
    )
    lines_cache: dict[str, list[str]] = {}
    for f in result.findings:
        style = _STYLE[f.severity]
        console.print(
            f"[bold]{escape(f.path)}:{f.line}:{f.column}:[/bold] [{style}]{f.code}[/{style}] "
            f"{escape(f.message)} [dim]\\[{f.name}][/dim]"
        )
        lines = lines_cache.get(f.path)
        if lines is None:
            lines = result.source_text(f.path).split("\n")
            lines_cache[f.path] = lines
        if 1 <= f.line <= len(lines):
            width = len(str(f.line + 1))
            if f.line >= 2 and lines[f.line - 2].strip():
                console.print(f"[dim]{f.line - 1:>{width}} |[/dim] {escape(lines[f.line - 2])}")
            text = lines[f.line - 1]
            console.print(f"[dim]{f.line:>{width}} |[/dim] {escape(text)}")
            end = f.end_column if f.end_line == f.line else len(text)
            carets = "^" * max(1, end - f.column + 1)
            console.print(
                f"[dim]{'':>{width}} |[/dim] {' ' * (f.column - 1)}[{style}]{carets}[/{style}]"
            )
        console.print(f"  [green]help:[/green] {escape(f.help)}")
        console.print()
    s = result.summary
    scope = (
        f"{s.files} file{'s' if s.files != 1 else ''}"
        if s.files or not s.statements
        else "the database"
    )
    counted = f"{s.statements} statements" if s.files else f"{s.statements} objects"
    if result.findings:
        parts = []
        if s.errors:
            parts.append(f"[red]{s.errors} error{'s' if s.errors != 1 else ''}[/red]")
        if s.warnings:
            parts.append(f"[yellow]{s.warnings} warning{'s' if s.warnings != 1 else ''}[/yellow]")
        if s.infos:
            parts.append(f"[cyan]{s.infos} info[/cyan]")
        console.print(f"Found {', '.join(parts)} in {scope} ({counted}).")
    else:
        console.print(f"[green]All clear:[/green] {scope}, {counted}, no findings.")
