"""Shared facts about functions that several SK1xx rules need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.sql.body import NameRef
from sqlkit.sql.values import search_path_schemas

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Function

ANALYSABLE_LANGUAGES = ("sql", "plpgsql")
API_ROLES = ("anon", "authenticated", "public")
# Supabase's auth helpers are STABLE and consult the caller's identity.
KNOWN_STABLE = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}


def search_path_of(function: Function) -> list[str]:
    value = function.config.get("search_path")
    if value is None or value == "FROM CURRENT":
        return ["public"]
    return search_path_schemas(value)


def called_functions(ctx: LintContext, function: Function, ref: NameRef) -> list[Function]:
    """Project functions a call may reach (every overload of the name)."""
    if ref.schema:
        return ctx.model.routines_named(ref.schema, ref.name)
    for schema in search_path_of(function) or ["public"]:
        found = ctx.model.routines_named(schema, ref.name)
        if found:
            return found
    return []


def is_builtin(ctx: LintContext, ref: NameRef) -> bool:
    names = {
        "relation": ctx.builtins.relations,
        "function": ctx.builtins.functions,
        "type": ctx.builtins.types,
        "operator": ctx.builtins.operators,
    }[ref.kind]
    return ref.name in names or ref.name.lower() in names


def unresolved_refs(ctx: LintContext, function: Function) -> list[NameRef]:
    """Distinct names the body uses without a schema that pg_catalog does not provide."""
    body = function.definition.body
    if body is None:
        return []
    seen: set[tuple[str, str]] = set()
    out: list[NameRef] = []
    for ref in body.refs:
        if ref.schema is not None or is_builtin(ctx, ref):
            continue
        if ref.kind == "relation" and (
            ref.name in function.transition_tables or ref.name in body.temp_tables
        ):
            continue  # a transition table, or a temp table the body creates: never by path
        key = (ref.kind, ref.name)
        if key in seen:
            continue
        seen.add(key)
        out.append(ref)
    return out


def suggestion(ctx: LintContext, ref: NameRef) -> str:
    """`public.students` when the project defines exactly one object of that name."""
    schemas: set[str] = set()
    if ref.kind == "relation":
        schemas = {s for (s, n) in ctx.model.tables if n == ref.name}
        schemas |= {s for (s, n) in ctx.model.views if n == ref.name}
    elif ref.kind == "function":
        schemas = {k.schema for k in ctx.model.functions if k.name == ref.name}
    if len(schemas) == 1:
        return f"{next(iter(schemas))}.{ref.name}"
    return f"<schema>.{ref.name}"


def writes_of(ctx: LintContext, function: Function) -> list[str]:
    body = function.definition.body
    return [what for what, _ in body.writes] if body else []


def writing_callees(ctx: LintContext, function: Function) -> list[str]:
    """Project functions this body calls that are VOLATILE and write."""
    body = function.definition.body
    if body is None:
        return []
    out: list[str] = []
    for ref in body.calls():
        for callee in called_functions(ctx, function, ref):
            if callee is function:
                continue
            if callee.volatility == "volatile" and writes_of(ctx, callee):
                out.append(callee.qualified_name)
                break
    return list(dict.fromkeys(out))


def consults_identity(ctx: LintContext, function: Function, seen: set[int] | None = None) -> bool:
    """Does the body (or a project function it calls) look at who the caller is?"""
    body = function.definition.body
    if body is None:
        return True  # unknown: do not accuse
    if body.identity_checks:
        return True
    seen = seen if seen is not None else set()
    seen.add(id(function))
    for ref in body.calls():
        for callee in called_functions(ctx, function, ref):
            if id(callee) not in seen and consults_identity(ctx, callee, seen):
                return True
    return False


def api_executors(
    ctx: LintContext, function: Function, roles: tuple[str, ...] = API_ROLES
) -> list[str]:
    """The roles that can call the function: EXECUTE, USAGE on its schema, not a trigger."""
    return [
        role if role != "public" else "PUBLIC"
        for role in roles
        if ctx.model.can_call(function, role)
    ]


def revoke_hint(function: Function, roles: list[str]) -> str:
    target = f"{function.kind.upper()} {function.key}"
    return f"REVOKE EXECUTE ON {target} FROM {', '.join(roles)};"
