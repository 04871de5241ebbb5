"""
## What it does
Reports `REVOKE EXECUTE ON FUNCTION ... FROM r` (r not PUBLIC) when, after
every statement is replayed, r can still execute the function because PUBLIC
— or a role r is a member of — holds `EXECUTE`.

## Why is this bad?
Privileges in Postgres are additive. Every new function is executable by
PUBLIC unless that default is revoked, so `REVOKE ... FROM anon` alone changes
nothing: anon keeps `EXECUTE` through PUBLIC. The statement reads like a
security control and is none.

## Example
```sql
create function public.admin_report() returns bigint language sql stable
set search_path = '' as $$ select count(*) from public.students $$;
revoke execute on function public.admin_report() from anon;
```

## Use instead
```sql
revoke execute on function public.admin_report() from public, anon;
grant execute on function public.admin_report() to authenticated;
```

## References
- [PostgreSQL: Privileges](https://www.postgresql.org/docs/current/ddl-priv.html)
- [PostgreSQL: REVOKE](https://www.postgresql.org/docs/current/sql-revoke.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.fixes import revoke

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK105",
    "revoke-ineffective",
    "warning",
    summary="REVOKE EXECUTE from a role that keeps it through PUBLIC or a role it inherits",
    help="revoke from PUBLIC too (REVOKE EXECUTE ... FROM PUBLIC, anon), then grant what is needed",
    fix="safe on Supabase; unsafe where the REVOKE takes EXECUTE from roles that were granted it or that had it through PUBLIC",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.model.functions.values():
        if function.is_trigger:
            continue  # nobody can call a trigger function, whatever EXECUTE says
        problems: list[str] = []
        holders: list[str] = []
        sources_held: list[str] = []
        first = None
        for origin, role in function.revokes:
            if role in function.execute:
                continue  # granted again later: intent
            sources = [s for s in ctx.model.execute_sources(function, role) if s != role]
            if sources and role not in [p.split(" ")[0] for p in problems]:
                shown = ", ".join("PUBLIC" if s == "public" else s for s in sources)
                problems.append(f"{role} (still has EXECUTE through {shown})")
                holders.extend("PUBLIC" if s == "public" else s for s in sources)
                sources_held.extend(s for s in sources if s in function.execute)
                first = first or origin
        if first is not None:
            target = f"{function.kind.upper()} {function.key}"
            yield ctx.finding(
                "SK105",
                first,
                f"REVOKE EXECUTE on {function.display} has no effect for {'; '.join(problems)}: "
                "the role it was meant to lock out can still call it",
                help=f"REVOKE EXECUTE ON {target} FROM {', '.join(dict.fromkeys(holders))}; "
                f"-- then GRANT EXECUTE ON {target} TO the roles that need it",
                object=str(function.key),
                fix=revoke(ctx, function, list(dict.fromkeys(sources_held))),
            )
