"""
## What it does
Reports a `SECURITY DEFINER` function that `anon`, `authenticated` or PUBLIC
can execute, that takes an identity-like parameter (a name ending in `_id`,
or a `uuid`) or reads `auth.users`, and that never consults the caller's
identity: no `auth.uid()`, `auth.jwt()`, `auth.role()`, `current_user`,
`session_user`, `current_setting('request.jwt...')`, `has_*_privilege()` or
`pg_has_role()` — in its body or in a project function it calls.

An identity counts only where it constrains the work: in a guard's condition
(`IF ... THEN RAISE`/`RETURN`, `ASSERT`, `CASE`, `PERFORM check_caller()`), or in
the `WHERE`, `JOIN ... ON`, `VALUES` or `INSERT ... SELECT` list of a statement
the body runs — directly, through a variable assigned from it, or through a call
of a project function that reads the caller's identity. A definer function that
only returns or logs `auth.uid()` is as unguarded as one that never mentions it.
Trigger functions are not reported: they cannot be called.

## Why is this bad?
The function runs with its owner's rights and trusts whatever id the client
sends: any signed-in user (or anyone, with anon) can read or write another
user's rows by changing one argument. This is the most common Supabase RPC
vulnerability.

## Example
```sql
create function public.get_student_email(p_student_id uuid) returns text
language sql stable security definer set search_path = ''  -- definer: reads auth.users
as $$ select email from auth.users where id = p_student_id $$;
```

## Use instead
```sql
create function public.get_student_email(p_student_id uuid) returns text
language sql stable security definer set search_path = ''  -- definer: reads auth.users
as $$ select email from auth.users
      where id = p_student_id and p_student_id = (select auth.uid()) $$;
```

## References
- [Supabase: Row Level Security and security definer functions](https://supabase.com/docs/guides/database/postgres/row-level-security#use-security-definer-functions)
- [OWASP: Broken Object Level Authorization](https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule
from sqlkit.lint.rules.functions.common import api_executors, called_functions, consults_identity

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function


@rule(
    "SK110",
    "security-definer-without-authorization",
    "error",
    summary="a definer function takes an id or reads auth.users and never checks the caller",
    help="check the caller before the work: IF p_user_id IS DISTINCT FROM (SELECT auth.uid()) "
    "THEN RAISE EXCEPTION 'forbidden' USING ERRCODE = '42501'; END IF;",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        if not function.security_definer:
            continue
        body = function.definition.body
        if body is None or not body.analysed:
            continue
        executors = api_executors(ctx, function)
        if not executors:
            continue
        identity = [
            a.name
            for a in function.definition.args
            if a.mode in ("in", "inout", "variadic")
            and (a.name.lower().endswith("_id") or a.name.lower() == "id" or a.type == "uuid")
        ]
        reasons = []
        if identity:
            reasons.append(f"takes {', '.join(identity)}")
        if body.reads_auth_users:
            reasons.append("reads auth.users")
        if not reasons or constrains_by_caller(ctx, function):
            continue
        mentioned = list(dict.fromkeys(body.identity_checks))
        how = (
            f"uses {', '.join(mentioned)} only where it does not constrain the work "
            "(returned, logged or assigned)"
            if mentioned
            else "never checks who is calling"
        )
        example = identity[0] if identity else "<owner column>"
        yield ctx.finding(
            "SK110",
            function.origin,
            f"SECURITY DEFINER {function.display} is executable by {', '.join(executors)}, "
            f"{' and '.join(reasons)}, and {how}: a caller can act on other users' rows "
            "with the owner's rights",
            help=f"guard the work: IF {example} IS DISTINCT FROM (SELECT auth.uid()) THEN RAISE "
            "EXCEPTION 'forbidden' USING ERRCODE = '42501'; END IF; -- or filter with "
            f"WHERE <owner column> = (SELECT auth.uid()); or REVOKE EXECUTE ON "
            f"{function.kind.upper()} {function.key} FROM {', '.join(executors)};",
            object=str(function.key),
        )


def constrains_by_caller(
    ctx: LintContext, function: Function, seen: set[int] | None = None
) -> bool:
    """Does the caller's identity constrain what the body does (SK110's refinement)?

    Yes when it has an identity where it constrains; when a call in such a position (a
    guard's condition, a WHERE, a PERFORM) reaches a function that reads the caller; or
    when any call reaches a function that is itself constrained by the caller (it raises
    or filters for the caller, like a `current_user_account_role(id)` that raises for
    non-members).
    """
    body = function.definition.body
    if body is None or not body.analysed:
        return True  # unknown: do not accuse
    if body.identity_constraints:
        return True
    seen = seen if seen is not None else set()
    seen.add(id(function))
    for ref in body.guard_calls:
        for callee in called_functions(ctx, function, ref):
            if id(callee) not in seen and consults_identity(ctx, callee, set(seen)):
                return True
    for ref in body.calls():
        for callee in called_functions(ctx, function, ref):
            if id(callee) not in seen and constrains_by_caller(ctx, callee, seen):
                return True
    return False
