"""
## What it does
Reports a custom access token hook declared `SECURITY DEFINER`.

## Why is this bad?
The auth server already calls the hook as `supabase_auth_admin`. Definer rights
make it run as its owner (usually `postgres`, which bypasses RLS): any bug in
it, or anyone who can call it, reads whatever the owner can. Grant
`supabase_auth_admin` exactly what the hook reads instead.

## Example
```sql
-- security definer: reads profiles for the claims
create function public.custom_access_token_hook(event jsonb) returns jsonb
language plpgsql stable security definer set search_path = '' as $$ begin return event; end $$;
```

## Use instead
```sql
create function public.custom_access_token_hook(event jsonb) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$ begin return event; end $$;
grant select on public.profiles to supabase_auth_admin;
create policy auth_admin_reads on public.profiles for select to supabase_auth_admin using (true);
```

## References
- [Supabase: Custom Access Token Hook](https://supabase.com/docs/guides/auth/auth-hooks/custom-access-token-hook)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.hooks.common import AUTH_HOOKS, access_token_hooks

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK302",
    "auth-hook-security-definer",
    "warning",
    summary="an access token hook is SECURITY DEFINER",
    help="make it SECURITY INVOKER and grant supabase_auth_admin SELECT (and a policy) on what it reads",
    options=(AUTH_HOOKS,),
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for hook in access_token_hooks(ctx):
        if hook.security_definer:
            yield ctx.finding(
                "SK302",
                hook.security_origin,
                f"auth hook {hook.display} is SECURITY DEFINER: supabase_auth_admin calls it "
                "already, and definer rights let any bug in it read what its owner can",
                help=f"ALTER FUNCTION {hook.key} SECURITY INVOKER; -- then GRANT SELECT ON <what "
                "it reads> TO supabase_auth_admin;",
                object=str(hook.key),
            )
