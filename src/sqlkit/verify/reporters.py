"""Output for `sqlkit verify`: each test as it ends, the failures, one summary line."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console

from sqlkit.errors import VerificationFailed
from sqlkit.verify.runner import TestResult, VerifyResult


def test_line(result: TestResult) -> str:
    mark = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
    return f"  {mark} {result.path} [dim]({result.seconds * 1000:.0f} ms)[/dim]"


def write_summary(result: VerifyResult, out: TextIO) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True)
    for finding in result.live_findings:
        colour = "red" if finding.severity == "error" else "yellow"
        console.print(
            f"[{colour}]live {finding.severity}[/] {finding.path}: {finding.code} {finding.message}"
        )
    for test in result.tests:
        if not test.passed:
            where = f"{test.path}:{test.line}" if test.line else test.path
            console.print(f"[red]FAIL[/red] {where}: {test.message}")
    objects = ", ".join(f"{v} {k}" for k, v in result.objects.items())
    passed = sum(1 for t in result.tests if t.passed)
    console.print(
        f"{'[green]verified[/green]' if result.ok else '[red]verification failed[/red]'}: "
        f"{result.applied} file(s) applied ({objects}) on {result.engine} PostgreSQL "
        f"{result.server_version}; {passed}/{len(result.tests)} test file(s) passed in "
        f"{result.timings.get('total', 0):.2f}s"
    )


def failure(result: VerifyResult) -> VerificationFailed | None:
    """What failed, as the error verify exits 1 with; None when it passed."""
    if result.ok:
        return None
    failed = sum(1 for t in result.tests if not t.passed)
    live_errors = sum(1 for f in result.live_findings if f.severity == "error")
    problems = []
    if failed:
        problems.append(f"{failed} test file(s) failed")
    if live_errors:
        problems.append(f"{live_errors} error(s) from the live checks")
    return VerificationFailed("; ".join(problems))
