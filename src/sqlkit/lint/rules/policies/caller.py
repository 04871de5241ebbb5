"""What a policy expression says about the caller: which of the table's columns it binds to
`auth.uid()` (SK211), and whether it depends on the caller at all (SK212)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlkit.lint.rules.functions.common import consults_identity
from sqlkit.sql.body import is_identity_call
from sqlkit.sql.tree import Node, const_value, split_name, strings, walk

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Function, Policy

# Supabase Storage's helpers: pure functions of the object's name
_CALLER_FREE = {("storage", "foldername"), ("storage", "filename"), ("storage", "extension")}
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


# ----------------------------------------------------------------------- the caller
def _is_uid(node: Any) -> bool:
    """`auth.uid()`, `auth.jwt() ->> 'sub'`, a cast of either, or `(select <that>)`."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    ((kind, inner),) = node.items()
    if kind == "TypeCast":
        return _is_uid(inner.get("arg"))
    if kind == "FuncCall":
        schema, name = split_name(strings(inner.get("funcname")))
        return (schema, name) == ("auth", "uid")
    if kind == "A_Expr" and strings(inner.get("name")) == ["->>"]:
        left = inner.get("lexpr", {}).get("FuncCall")
        if left and split_name(strings(left.get("funcname"))) == ("auth", "jwt"):
            return const_value(inner.get("rexpr")) == "sub"
        return False
    if kind == "SubLink" and inner.get("subLinkType") == "EXPR_SUBLINK":
        select = inner.get("subselect", {}).get("SelectStmt", {})
        targets = select.get("targetList") or []
        if select.get("fromClause") or len(targets) != 1:
            return False
        return _is_uid(targets[0].get("ResTarget", {}).get("val"))
    return False


def _own_column(node: Any, table: str) -> str | None:
    """The one column of the policy's own table an expression is made of (`owner`,
    `t.owner::text`, `(storage.foldername(name))[1]`), else None."""
    columns: set[str] = set()
    for kind, sub in walk(node):
        if kind == "SubLink":
            return None
        if kind == "ColumnRef":
            fields = strings(sub.get("fields"))
            if not fields or (len(fields) > 1 and fields[-2] != table):
                return None
            columns.add(fields[-1])
    return next(iter(columns)) if len(columns) == 1 else None


def _top_level(expr: Any) -> list[Node]:
    """Nodes of an expression outside its sub-selects (their columns are not the table's)."""
    out: list[Node] = []
    stack = [expr]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            if "SubLink" in value:
                continue
            if len(value) == 1:
                ((_, inner),) = value.items()
                if isinstance(inner, dict):
                    out.append(value)
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
    return out


def owner_columns(policies: list[Policy], table: str) -> set[str]:
    """Columns of the table that some policy compares with auth.uid(): the owner columns."""
    found: set[str] = set()
    for policy in policies:
        for expr in (policy.using, policy.with_check):
            for node in _top_level(expr):
                inner = node.get("A_Expr")
                if not inner or strings(inner.get("name")) != ["="]:
                    continue
                left, right = inner.get("lexpr"), inner.get("rexpr")
                for column_side, uid_side in ((left, right), (right, left)):
                    if _is_uid(uid_side):
                        column = _own_column(column_side, table)
                        if column:
                            found.add(column)
    return found


def binds_owner(
    ctx: LintContext, expr: Any, owners: set[str], table: str, function: Function | None = None
) -> bool:
    """Does `expr` hold only for rows whose owner column is the caller?"""
    if not isinstance(expr, dict):
        return False
    if "BoolExpr" in expr:
        node = expr["BoolExpr"]
        args = node.get("args") or []
        if node.get("boolop") == "AND_EXPR":
            return any(binds_owner(ctx, arg, owners, table) for arg in args)
        if node.get("boolop") == "OR_EXPR":
            return bool(args) and all(binds_owner(ctx, arg, owners, table) for arg in args)
        return False
    if "A_Expr" in expr:
        inner = expr["A_Expr"]
        if strings(inner.get("name")) != ["="]:
            return False
        left, right = inner.get("lexpr"), inner.get("rexpr")
        return any(
            _is_uid(uid_side) and _own_column(column_side, table) in owners
            for column_side, uid_side in ((left, right), (right, left))
        )
    if "FuncCall" in expr:
        # a helper given the owner column that reads the caller: is_self(user_id)
        call = expr["FuncCall"]
        passes_owner = any(_own_column(arg, table) in owners for arg in call.get("args") or ())
        return passes_owner and _reads_caller(ctx, call)
    return False


def _reads_caller(ctx: LintContext, call: Node) -> bool:
    from sqlkit.sql.body import NameRef

    schema, name = split_name(strings(call.get("funcname")))
    for callee in _project_functions(ctx, NameRef("function", schema, name, (0, 0, 0, 0))):
        if consults_identity(ctx, callee):
            return True
    return False


def _project_functions(ctx: LintContext, ref: Any) -> list[Function]:
    if ref.schema:
        return ctx.model.routines_named(ref.schema, ref.name)
    return ctx.model.routines_named("public", ref.name)


def depends_on_caller(ctx: LintContext, expr: Any) -> bool:
    """Does `expr` read who the caller is — an auth/JWT call, current_user, a privilege
    check, a request setting, or a function that does (a function sqlkit cannot see is
    given the benefit of the doubt)?"""
    from sqlkit.sql.body import NameRef

    for kind, node in walk(expr):
        if kind == "SQLValueFunction" and is_identity_call(kind, node):
            return True
        if kind != "FuncCall":
            continue
        if is_identity_call(kind, node):
            return True
        schema, name = split_name(strings(node.get("funcname")))
        if name == "current_setting":
            args = node.get("args") or []
            value = const_value(args[0]) if args else None
            if isinstance(value, str) and value.startswith("request."):
                return True
            continue
        if (schema, name) in _CALLER_FREE or (
            schema in (None, "pg_catalog") and name in ctx.builtins.functions
        ):
            continue
        callees = _project_functions(ctx, NameRef("function", schema, name, (0, 0, 0, 0)))
        if not callees or any(consults_identity(ctx, callee) for callee in callees):
            return True
    return False
