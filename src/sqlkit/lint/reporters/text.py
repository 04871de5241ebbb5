"""Human output: `path:line:col: CODE message`, a code frame, and the help line.

The text is built as plain strings and written once: going through a rich
console for each line cost more than linting (about five prints per finding).
Colour (ANSI) only on a terminal, or when FORCE_COLOR asks; NO_COLOR turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TextIO

from sqlkit.lint.finding import LintResult

_RESET = "\x1b[0m"
_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_PLAIN = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _GREEN = "\x1b[1m", "\x1b[2m", "\x1b[32m"


def use_color(out: TextIO, color: bool | None) -> bool:
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def write_text(result: LintResult, out: TextIO, *, color: bool | None = None) -> None:
    paint = use_color(out, color)

    def styled(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if paint else text

    parts: list[str] = []
    add = parts.append
    lines_cache: dict[str, list[str]] = {}
    for f in result.findings:
        style = _SEVERITY[f.severity]
        add(
            f"{styled(f'{f.path}:{f.line}:{f.column}:', _BOLD)} {styled(f.code, style)} "
            f"{f.message} {styled(f'[{f.name}]', _DIM)}\n"
        )
        lines = lines_cache.get(f.path)
        if lines is None:
            lines = lines_cache[f.path] = result.source_text(f.path).split("\n")
        if 1 <= f.line <= len(lines):
            width = len(str(f.line + 1))
            if f.line >= 2 and lines[f.line - 2].strip():
                add(f"{styled(f'{f.line - 1:>{width}} |', _DIM)} {lines[f.line - 2]}\n")
            text = lines[f.line - 1]
            add(f"{styled(f'{f.line:>{width}} |', _DIM)} {text}\n")
            end = f.end_column if f.end_line == f.line else len(text)
            carets = "^" * max(1, end - f.column + 1)
            gutter = styled(" " * width + " |", _DIM)
            add(f"{gutter} {' ' * (f.column - 1)}{styled(carets, style)}\n")
        add(f"  {styled('help:', _GREEN)} {f.help}\n")
        if f.fix is not None and f.fix.applicable:
            how = "" if f.fix.safe else " (unsafe: with --unsafe-fixes)"
            add(f"  {styled('fix:', _GREEN)} {f.fix.description}{how}\n")
        add("\n")
    add(summary_line(result, styled) + "\n")
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.applicable and f.fix.safe)
    unsafe = sum(1 for f in result.findings if f.fix and f.fix.applicable and not f.fix.safe)
    if safe or unsafe:
        more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
        add(f"{safe} fixable with `sqlkit lint --fix`{more}.\n")
    out.write("".join(parts))


def summary_line(result: LintResult, styled: Callable[[str, str], str] | None = None) -> str:
    def paint(text: str, style: str) -> str:
        return styled(text, style) if styled is not None else text

    s = result.summary
    scope = (
        f"{s.files} file{'s' if s.files != 1 else ''}"
        if s.files or not s.statements
        else "the database"
    )
    database = not s.files and s.statements  # lint --dsn counts objects, not statements
    counted = f"{s.statements} objects" if database else f"{s.statements} statements"
    if not result.findings:
        return f"{paint('All clear:', _GREEN)} {scope}, {counted}, no findings."
    parts = []
    if s.errors:
        parts.append(paint(f"{s.errors} error{'s' if s.errors != 1 else ''}", _PLAIN["error"]))
    if s.warnings:
        parts.append(
            paint(f"{s.warnings} warning{'s' if s.warnings != 1 else ''}", _PLAIN["warning"])
        )
    if s.infos:
        parts.append(paint(f"{s.infos} info", _PLAIN["info"]))
    return f"Found {', '.join(parts)} in {scope} ({counted})."
