"""
## What it does
After every statement is replayed, reports a `SECURITY DEFINER` function in an
exposed schema (`exposed_schemas`, default `public`) that PUBLIC or `anon`
can execute — including through the target's default privileges: Postgres
gives PUBLIC `EXECUTE` on every new function, and Supabase also grants `anon`,
`authenticated` and `service_role` on functions in `public`. An explicit
`GRANT EXECUTE ... TO authenticated` is intent and does not fire this rule.
Procedures are not reported: PostgREST (the HTTP API) cannot call them.

Splinter counterpart: `0028_anon_security_definer_function_executable`.

## Why is this bad?
Exposed schemas are callable over the HTTP API (`/rest/v1/rpc/<name>`). A
definer function there runs with its owner's rights — RLS bypassed — for
anyone holding the public anon key.

## Example
```sql
create function public.delete_user(p_user_id uuid) returns void
language sql security definer set search_path = ''  -- definer: deletes from auth.users
as $$ delete from auth.users where id = p_user_id $$;
```

## Use instead
```sql
create function public.delete_user(p_user_id uuid) returns void
language sql security definer set search_path = ''  -- definer: deletes from auth.users
as $$ delete from auth.users where id = p_user_id and id = (select auth.uid()) $$;
revoke execute on function public.delete_user(uuid) from public, anon;
grant execute on function public.delete_user(uuid) to authenticated;
```

## References
- [PostgreSQL: Default privileges](https://www.postgresql.org/docs/current/ddl-priv.html)
- [PostgREST: procedures cannot be called over /rpc (issue 1210)](https://github.com/PostgREST/postgrest/issues/1210)
- [Supabase database linter: anon_security_definer_function_executable](https://supabase.com/docs/guides/database/database-linter?lint=0028_anon_security_definer_function_executable)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import RuleOption, rule
from sqlkit.lint.rules.functions.common import revoke_hint
from sqlkit.lint.rules.functions.fixes import revoke

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function


@rule(
    "SK104",
    "security-definer-exposed",
    "error",
    summary="a SECURITY DEFINER function in an exposed schema is executable by PUBLIC or anon",
    counterpart="0028_anon_security_definer_function_executable",
    help="revoke EXECUTE from PUBLIC and anon, grant it to the roles that need it",
    fix="safe on Supabase; unsafe where the REVOKE takes EXECUTE from roles that were granted it or that had it through PUBLIC",
    options=(
        RuleOption(
            "fix_revoke_also",
            (),
            "roles whose EXECUTE `sqlkit lint --fix` also revokes, with PUBLIC and anon "
            '(`["authenticated"]` where definer functions are granted to roles one by one)',
        ),
    ),
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if not function.security_definer or not ctx.is_exposed(function.schema):
            continue
        if function.definition.is_procedure:
            continue  # the HTTP API calls functions only: no /rpc for a procedure
        # a trigger function cannot be called ("trigger functions can only be called as
        # triggers"), and without USAGE on its schema nobody reaches it
        who = [
            name
            for role, name in (("public", "PUBLIC"), ("anon", "anon"))
            if ctx.model.can_call(function, role)
        ]
        if not who:
            continue
        how = []
        for role in ("public", "anon"):
            if role in function.execute:
                how.append(
                    f"{'PUBLIC' if role == 'public' else role} "
                    f"{'by grant' if role in function.granted_explicitly else 'by default privileges'}"
                )
        yield ctx.finding(
            "SK104",
            function.origin,
            f"SECURITY DEFINER {function.display} in exposed schema {function.schema} is executable "
            f"by {' and '.join(who)} ({', '.join(how) or 'through role membership'}): anyone "
            f"with the public API key can call /rpc/{function.name} and it runs with its "
            "owner's rights, RLS bypassed",
            help=revoke_hint(function, ["PUBLIC", "anon"])
            + f" GRANT EXECUTE ON {function.kind.upper()} {function.key} TO authenticated;",
            object=str(function.key),
            fix=revoke(ctx, function, _holders(ctx, function)),
        )


def _holders(ctx: LintContext, function: Function) -> list[str]:
    """The grantees the fix revokes EXECUTE from: PUBLIC, anon and the configured roles
    that hold it directly."""
    roles = ["public", "anon", *ctx.settings.option("fix_revoke_also")]
    return [role for role in dict.fromkeys(roles) if role in function.execute]
