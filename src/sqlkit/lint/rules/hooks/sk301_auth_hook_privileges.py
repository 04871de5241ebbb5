"""
## What it does
Reports a custom access token hook — a `(event jsonb) returns jsonb` function
whose name ends in `access_token_hook`, or one listed in `auth_hooks` — that
is not granted to `supabase_auth_admin`, or that `anon`, `authenticated` or
PUBLIC can still execute.

## Why is this bad?
The auth server calls the hook as `supabase_auth_admin`: without `EXECUTE`,
every sign-in fails. Executable by API roles, the hook is an RPC anyone can
call to learn how claims are derived — and with definer rights, to read the
tables it reads.

## Example
```sql
create function public.custom_access_token_hook(event jsonb) returns jsonb
language sql stable set search_path = '' as $$ select event $$;
```

## Use instead
```sql
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
```

## References
- [Supabase: Custom Access Token Hook](https://supabase.com/docs/guides/auth/auth-hooks/custom-access-token-hook)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import api_executors
from sqlkit.lint.rules.hooks.common import AUTH_HOOKS, access_token_hooks

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK301",
    "auth-hook-privileges",
    "error",
    summary="an access token hook is not granted to supabase_auth_admin, or API roles can execute it",
    help="GRANT EXECUTE ... TO supabase_auth_admin; REVOKE EXECUTE ... FROM PUBLIC, anon, authenticated",
    options=(AUTH_HOOKS,),
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for hook in access_token_hooks(ctx):
        problems = []
        fixes = []
        target = f"FUNCTION {hook.key}"
        if not ctx.model.can_execute(hook, "supabase_auth_admin"):
            problems.append("supabase_auth_admin cannot execute it (every sign-in would fail)")
            fixes.append(f"GRANT EXECUTE ON {target} TO supabase_auth_admin;")
        executors = api_executors(ctx, hook)
        if executors:
            problems.append(
                f"{', '.join(executors)} can execute it (and read the claims it builds for any user)"
            )
            fixes.append(f"REVOKE EXECUTE ON {target} FROM {', '.join(executors)};")
        if problems:
            yield ctx.finding(
                "SK301",
                hook.origin,
                f"auth hook {hook.display}: {'; '.join(problems)}",
                help=" ".join(fixes),
                object=str(hook.key),
            )
