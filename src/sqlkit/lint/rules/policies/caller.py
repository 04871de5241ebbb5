"""Policy facts judged against the project: which columns a policy binds to the caller
(SK211), and whether it depends on the caller at all (SK212). The expressions themselves
are read once, where they are parsed (`sqlkit.sql.policy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.lint.rules.functions.common import consults_identity

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Function, Policy
    from sqlkit.sql.policy import Binding, ExprFacts

API_ROLES = {"anon", "authenticated", "public"}


def reaches(policy: Policy, roles: set[str]) -> bool:
    """Does the policy apply to any of `roles` (PUBLIC applies to every role)?"""
    return bool(set(policy.roles) & (roles | {"public"}))


def judged_table(ctx: LintContext, schema: str, table: str) -> bool:
    """Policies the API can reach: in an exposed schema, or Storage's objects table; and
    not on a table whose RLS is known to be off (SK203 reports those)."""
    if not (ctx.is_exposed(schema) or (schema, table) == ("storage", "objects")):
        return False
    known = ctx.model.tables.get((schema, table))
    return known is None or known.rls_enabled


_WRITES = {"insert": {"insert"}, "update": {"update"}, "delete": {"delete"}}


def can_write(ctx: LintContext, schema: str, table: str, roles: set[str], command: str) -> bool:
    """May any of `roles` run `command` on the table at all (its privileges and schema
    USAGE)? A table the model does not know (Storage's objects) is taken as writable."""
    known = ctx.model.tables.get((schema, table))
    if known is None:
        return True
    wanted = _WRITES.get(command, {"insert", "update", "delete"})
    for role in roles:
        if not ctx.model.can_use_schema(schema, role):
            continue
        for holder in ctx.model.roles_of(role):
            if wanted & known.privileges.get(holder, set()):
                return True
    return False


def owner_columns(policies: list[Policy]) -> set[str]:
    """Columns of the table that some policy compares with auth.uid(): the owner columns."""
    found: set[str] = set()
    for policy in policies:
        facts = policy.analysed()
        for expr in (facts.using, facts.with_check):
            if expr is not None:
                found |= expr.uid_columns
    return found


def binds_owner(ctx: LintContext, binding: Binding, owners: set[str]) -> bool:
    """Does the expression hold only for rows whose owner column is the caller (or never
    for an API caller, like `auth.role() = 'service_role'`)?"""
    kind = binding[0]
    if kind == "yes":
        return True
    if kind == "col":
        return binding[1] in owners
    if kind == "and":
        return any(binds_owner(ctx, part, owners) for part in binding[1:])
    if kind == "or":
        return len(binding) > 1 and all(binds_owner(ctx, part, owners) for part in binding[1:])
    if kind == "call":  # a helper given the owner column that reads the caller: is_self(user_id)
        _, schema, name, columns = binding
        return bool(set(columns) & owners) and any(
            consults_identity(ctx, callee) for callee in project_functions(ctx, schema, name)
        )
    return False


def project_functions(ctx: LintContext, schema: str | None, name: str) -> list[Function]:
    return ctx.model.routines_named(schema or "public", name)


def depends_on_caller(ctx: LintContext, facts: ExprFacts) -> bool:
    """Does the expression read who the caller is — an auth/JWT call, current_user, a
    privilege check, a request setting, or a function that does (a function sqlkit cannot
    see is given the benefit of the doubt)?"""
    if facts.reads_caller:
        return True
    for schema, name in facts.calls:
        callees = project_functions(ctx, schema, name)
        if not callees or any(consults_identity(ctx, callee) for callee in callees):
            return True
    return False
