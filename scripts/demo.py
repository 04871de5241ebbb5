"""`make demo`: sqlkit's main job on the reference app — lint, then verify in an embedded Postgres."""

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


def run(title: str, args: list[str], expect: int) -> bool:
    console.print(Rule(f"[bold]{title}[/bold]"))
    console.print(f"[dim]$ sqlkit {' '.join(args)}[/dim]")
    started = time.perf_counter()
    code = subprocess.call([*SQLKIT, *args], cwd=ROOT)
    elapsed = time.perf_counter() - started
    ok = code == expect
    verdict = (
        "[green]as expected[/green]" if ok else f"[red]unexpected (wanted exit {expect})[/red]"
    )
    console.print(f"[dim]exit {code} in {elapsed:.2f}s — {verdict}[/dim]\n")
    return ok


def drift() -> bool:
    """Deploy the reference app to a database, change it by hand, and let `sqlkit diff` find it."""
    from sqlkit.config import load_settings
    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database

    console.print(
        Rule("[bold]4. Drift: deploy, change a function by hand, diff against git[/bold]")
    )
    engine = resolve(load_settings(ROOT), "embedded")
    with engine.running() as server:
        create_database(server, "deployed")
        url = server.url("deployed")
        ok = (
            subprocess.call(
                [*SQLKIT, "apply", "--shim", "--dsn", url], cwd=ROOT, stdout=subprocess.DEVNULL
            )
            == 0
        )
        with server.connect("deployed", autocommit=True) as conn:
            conn.execute(
                "alter function public.submit_assessment(uuid, jsonb) set search_path = public"
            )
            conn.execute("grant execute on function public.get_client_dashboard_data(uuid) to anon")
            conn.execute("alter table public.students alter column full_name drop not null")
        console.print(
            "[dim]deployed the reference app with `sqlkit apply --shim`, then by hand: "
            "submit_assessment's search_path set to public; EXECUTE on get_client_dashboard_data "
            "granted to anon; students.full_name made nullable[/dim]"
        )
        fix = ROOT / ".bench" / "demo-fix.sql"
        fix.parent.mkdir(exist_ok=True)
        ok &= run(
            "sqlkit diff: what is deployed against git, and the SQL that fixes it",
            ["diff", "--dsn", url, "--emit-sql", str(fix)],
            1,
        )
        with server.connect("deployed", autocommit=True) as conn:
            conn.execute(fix.read_bytes())
        ok &= run("after running the fix: sqlkit diff again", ["diff", "--dsn", url], 0)
    return ok


def main() -> int:
    console.print(
        "[bold]sqlkit demo[/bold]: the reference app — a learning platform's backend (RPCs, a tagged\n"
        "cache with statement-level invalidation, an auth hook, a job queue, RLS policies) kept in git.\n"
    )
    ok = run(
        "1. Lint the reference app: no database needed",
        ["lint", "migrations", "functions", "triggers", "policies"],
        0,
    )
    ok &= run(
        "2. Verify it: embedded Postgres, Supabase shim, apply, behaviour tests in clones",
        ["verify"],
        0,
    )
    ok &= run(
        "3. What the linter catches: a deliberately broken migration (security rules only)",
        ["lint", "--select", "SK104,SK105,SK108,SK110,SK111", "examples/002_broken.sql"],
        1,
    )
    ok &= drift()
    console.print(
        "More: [bold]sqlkit rules[/bold] · [bold]sqlkit rule SK110[/bold] · "
        '[bold]sqlkit templates[/bold] · [bold]sqlkit verify --keep[/bold] (then psql "$SQLKIT_DSN")'
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
