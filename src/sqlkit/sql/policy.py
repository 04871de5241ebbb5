"""What a policy's USING / WITH CHECK expression says, worked out once where it is parsed.

The facts are plain data (cached with the file's events), so the policy rules read them
instead of walking every expression on every run:

- `auth_calls`: auth/setting calls not evaluated once per statement, and where they run
  (SK204): a call in the target list or FROM of an *uncorrelated* sub-select (any kind:
  scalar, IN, EXISTS, ANY) runs once, as an init plan or a hashed sub-plan; in its WHERE
  it runs once per row of the sub-select's own relations, never per row of the table;
- `uid_columns`: columns of the policy's own table compared with `auth.uid()` (SK211);
- `binding`: the AND/OR shape of the expression over those comparisons (SK211);
- `reads_caller` / `calls`: whether it reads who the caller is, and the functions whose
  bodies decide it (SK212);
- `literal_true` (SK205), `user_metadata` (SK208).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlkit.data import builtins
from sqlkit.sql.body import is_identity_call
from sqlkit.sql.tree import Node, const_value, split_name, strings, walk

AUTH_CALLS = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
# Supabase Storage's helpers: pure functions of the object's name
_CALLER_FREE = {("storage", "foldername"), ("storage", "filename"), ("storage", "extension")}

# `binding` nodes: ("col", c) binds column c to the caller; ("yes",) never holds for an
# API caller (auth.role() = 'service_role'); ("call", schema, name, columns) a helper given
# own columns; ("and", ...), ("or", ...); ("no",) anything else
Binding = tuple[Any, ...]


class ExprFacts(NamedTuple):  # a tuple: cheap to build and to pickle, per policy expression
    auth_calls: tuple[tuple[str, str | None], ...]
    uid_columns: frozenset[str]
    binding: Binding
    reads_caller: bool
    calls: tuple[tuple[str | None, str], ...]  # non-built-in calls, for the project to judge
    literal_true: bool
    user_metadata: bool
    # parser locations of the calls in `auth_calls`, each time one is written (SK204's fix
    # wraps each in a sub-select)
    call_locations: tuple[int, ...] = ()


class PolicyFacts(NamedTuple):
    using: ExprFacts | None
    with_check: ExprFacts | None


def analyse_policy(using: Any, with_check: Any, table: str) -> PolicyFacts:
    return PolicyFacts(_analyse(using, table), _analyse(with_check, table))


def _analyse(expr: Any, table: str) -> ExprFacts | None:
    if not isinstance(expr, dict):
        return None
    auth_calls, reads, calls, metadata, uid, roles, locations = _traverse(expr)
    # without the caller (or a function that may read it) nothing binds an owner
    binding = _binding(expr, table, uid, roles) if reads or calls else ("no",)
    return ExprFacts(
        auth_calls=auth_calls,
        uid_columns=frozenset(_bound_columns(binding)),
        binding=binding,
        reads_caller=reads,
        calls=calls,
        literal_true="A_Const" in expr and const_value(expr) is True,
        user_metadata=metadata,
        call_locations=locations,
    )


_METADATA = {"user_metadata", "raw_user_meta_data"}
_LEAVES = {"ParamRef", "A_Star", "Integer", "Float", "Boolean", "BitString"}


def _traverse(
    expr: Any,
) -> tuple[
    tuple[tuple[str, str | None], ...],
    bool,
    tuple[tuple[str | None, str], ...],
    bool,
    bool,
    bool,
    tuple[int, ...],
]:
    """One pass over an expression: (auth calls not evaluated once per statement, with the
    relations they run per row of — None: the policy's table; reads who the caller is; the
    non-built-in functions that may; mentions user metadata; calls auth.uid()/jwt(); reads
    the caller's role; where those calls are written)."""
    known = builtins().functions
    reads = metadata = uid = roles = False
    found: list[tuple[str, str | None]] = []
    locations: list[int] = []
    calls: list[tuple[str | None, str]] = []
    stack: list[tuple[Any, str | None, bool]] = [(expr, None, False)]
    pop, push = stack.pop, stack.append
    while stack:
        value, scope, once = pop()
        if value.__class__ is list:
            for item in value:
                push((item, scope, once))
            continue
        if value.__class__ is not dict:
            continue
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if inner.__class__ is dict and kind[:1].isupper():
                if kind in _LEAVES:
                    continue
                if kind == "ColumnRef":
                    metadata = metadata or any(f in _METADATA for f in strings(inner.get("fields")))
                    continue
                if kind == "String":
                    metadata = metadata or inner.get("sval") in _METADATA
                    continue
                if kind == "A_Const":
                    metadata = metadata or const_value(inner) in _METADATA
                    continue
                if kind == "SQLValueFunction":
                    if is_identity_call(kind, inner):
                        reads = roles = True
                    continue
                if kind == "SubLink":
                    push((inner.get("testexpr"), scope, once))
                    select = inner.get("subselect", {}).get("SelectStmt")
                    correlated, relations = _sub_select(select) if select else (True, [])
                    if select is None:
                        push((inner.get("subselect"), scope, once))
                    elif correlated:
                        push((select, scope, once))  # re-run for every outer row
                    else:
                        rows = ", ".join(relations) or None
                        for key, part in select.items():
                            if key in ("targetList", "fromClause") or rows is None:
                                push((part, scope, True))
                            else:
                                push((part, rows, once))
                    continue
                if kind == "FuncCall":
                    schema, name = split_name(strings(inner.get("funcname")))
                    auth = (schema, name) in AUTH_CALLS
                    if auth:
                        uid = uid or name in ("uid", "jwt")
                        roles = roles or name in ("role", "jwt")
                    if not once and (auth or name == "current_setting"):
                        found.append((f"{schema}.{name}()" if schema else f"{name}()", scope))
                        locations.append(inner.get("location", -1))
                    if not reads:
                        if auth or is_identity_call(kind, inner):
                            reads = True
                        elif name == "current_setting":
                            args = inner.get("args") or []
                            setting = const_value(args[0]) if args else None
                            reads = isinstance(setting, str) and setting.startswith("request.")
                        elif (schema, name) not in _CALLER_FREE and not (
                            schema in (None, "pg_catalog") and name in known
                        ):
                            calls.append((schema, name))
                    push((inner.get("args"), scope, once))
                    continue
                value = inner
        for item in value.values():
            if item.__class__ is dict or item.__class__ is list:
                push((item, scope, once))
    return (
        tuple(dict.fromkeys(found)),
        reads,
        () if reads else tuple(dict.fromkeys(calls)),
        metadata,
        uid,
        roles,
        tuple(sorted(locations)),
    )


def _bound_columns(binding: Binding) -> set[str]:
    """The columns a binding compares with auth.uid()."""
    if binding[0] == "col":
        return {binding[1]}
    if binding[0] in ("and", "or"):
        out: set[str] = set()
        for part in binding[1:]:
            out |= _bound_columns(part)
        return out
    return set()


# ---------------------------------------------------------------- SK204: per row
def _sub_select(select: Node) -> tuple[bool, list[str]]:
    """(is it correlated, the relations its FROM reads) in one walk: a column qualified by
    a name its FROM items (or nested ones) do not define refers to the outer row; an
    unqualified column does only when the sub-select has no FROM (with one, it is taken as
    the sub-select's own column)."""
    if select.keys() <= _BARE_SELECT and all(
        _constant_expression(t.get("ResTarget", {}).get("val")) for t in select["targetList"]
    ):
        return False, []  # `(select auth.uid())`: no FROM, no column, the usual case
    names: set[str] = set()
    columns: list[list[str]] = []
    for kind, node in walk(select):
        if kind in ("RangeVar", "RangeFunction", "RangeSubselect"):
            alias = (node.get("alias") or {}).get("aliasname") or node.get("relname")
            if alias:
                names.add(alias)
        elif kind == "ColumnRef":
            fields = strings(node.get("fields"))
            if fields:
                columns.append(fields)
    has_from = bool(select.get("fromClause"))
    correlated = any(
        (len(fields) == 1 and not has_from) or (len(fields) > 1 and fields[-2] not in names)
        for fields in columns
    )
    return correlated, (_relations(select) if has_from else [])


_BARE_SELECT = {"targetList", "limitOption", "op"}


def _constant_expression(node: Any) -> bool:
    """Calls, casts and operators over constants only (no column, no sub-select)."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    ((kind, inner),) = node.items()
    if kind == "A_Const":
        return True
    if kind == "FuncCall":
        return all(_constant_expression(arg) for arg in inner.get("args") or ())
    if kind == "TypeCast":
        return _constant_expression(inner.get("arg"))
    if kind == "A_Expr":
        return all(
            _constant_expression(side)
            for side in (inner.get("lexpr"), inner.get("rexpr"))
            if side is not None
        )
    return False


def _relations(select: Node) -> list[str]:
    """Relations a sub-select reads (its FROM, joins included)."""
    out = []
    for kind, node in walk(select.get("fromClause") or []):
        if kind == "RangeVar" and node.get("relname"):
            schema = node.get("schemaname")
            out.append(f"{schema}.{node['relname']}" if schema else node["relname"])
    return out


# --------------------------------------------------------- SK211: owner binding
def _is_uid(node: Any) -> bool:
    """`auth.uid()`, `auth.jwt() ->> 'sub'`, a cast of either, or `(select <that>)`."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    ((kind, inner),) = node.items()
    if kind == "TypeCast":
        return _is_uid(inner.get("arg"))
    if kind == "FuncCall":
        return split_name(strings(inner.get("funcname"))) == ("auth", "uid")
    if kind == "A_Expr" and strings(inner.get("name")) == ["->>"]:
        left = inner.get("lexpr", {}).get("FuncCall")
        if left and split_name(strings(left.get("funcname"))) == ("auth", "jwt"):
            return bool(_constant(inner.get("rexpr")) == "sub")
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


def _uid_comparison(node: Node, table: str) -> str | None:
    """`col = auth.uid()` (either side): the column of the table it binds."""
    inner = node.get("A_Expr")
    if not inner or inner.get("kind", "AEXPR_OP") != "AEXPR_OP":
        return None
    if strings(inner.get("name")) != ["="]:
        return None
    left, right = inner.get("lexpr"), inner.get("rexpr")
    for column_side, uid_side in ((left, right), (right, left)):
        if _is_uid(uid_side):
            column = _own_column(column_side, table)
            if column:
                return column
    return None


def _binding(expr: Any, table: str, uid: bool = True, roles: bool = True) -> Binding:
    """The AND/OR shape of `expr` over what binds an owner (`uid`: it calls auth.uid() or
    auth.jwt(); `roles`: it reads the caller's role — the checks worth making)."""
    if not isinstance(expr, dict):
        return ("no",)
    if roles and _only_other_roles(expr):
        return ("yes",)
    if "BoolExpr" in expr:
        node = expr["BoolExpr"]
        op = {"AND_EXPR": "and", "OR_EXPR": "or"}.get(node.get("boolop", ""))
        if op is None:
            return ("no",)
        return (op, *(_binding(arg, table, uid, roles) for arg in node.get("args") or ()))
    if "A_Expr" in expr:
        column = _uid_comparison(expr, table) if uid else None
        return ("col", column) if column else ("no",)
    if "FuncCall" in expr:
        call = expr["FuncCall"]
        columns = {_own_column(arg, table) for arg in call.get("args") or ()} - {None}
        if columns:
            schema, name = split_name(strings(call.get("funcname")))
            return ("call", schema, name, tuple(sorted(c for c in columns if c)))
    return ("no",)


def _role_of_caller(node: Any) -> bool:
    """The caller's role or a claim of its JWT other than `sub`: `auth.role()`,
    `auth.jwt() ->> 'user_role'`, `auth.jwt() -> 'app_metadata' ->> 'role'`,
    `current_user` (or a cast or a sub-select of one)."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    ((kind, inner),) = node.items()
    if kind == "TypeCast":
        return _role_of_caller(inner.get("arg"))
    if kind == "SQLValueFunction":
        return is_identity_call(kind, inner)
    if kind == "FuncCall":
        return split_name(strings(inner.get("funcname"))) == ("auth", "role")
    if kind == "A_Expr" and strings(inner.get("name")) in (["->>"], ["->"]):
        return _constant(inner.get("rexpr")) != "sub" and _jwt(inner.get("lexpr"))
    if kind == "SubLink" and inner.get("subLinkType") == "EXPR_SUBLINK":
        targets = inner.get("subselect", {}).get("SelectStmt", {}).get("targetList") or []
        return len(targets) == 1 and _role_of_caller(targets[0].get("ResTarget", {}).get("val"))
    return False


def _constant(node: Any) -> Any:
    """A constant, through casts (`'admin'::text`, as the server prints it back)."""
    while isinstance(node, dict) and "TypeCast" in node:
        node = node["TypeCast"].get("arg")
    return const_value(node)


def _jwt(node: Any) -> bool:
    """`auth.jwt()` or a path into it (`auth.jwt() -> 'app_metadata'`)."""
    if not isinstance(node, dict):
        return False
    call = node.get("FuncCall")
    if call is not None:
        return split_name(strings(call.get("funcname"))) == ("auth", "jwt")
    inner = node.get("A_Expr")
    if not isinstance(inner, dict):
        return False
    return strings(inner.get("name")) == ["->"] and _jwt(inner.get("lexpr"))


def _only_other_roles(expr: Node) -> bool:
    """A condition only a caller with a named role meets — `auth.role() = 'service_role'`,
    `(auth.jwt() ->> 'user_role') in ('admin', 'staff')`: a privileged role acting for
    others by design, never an ordinary signed-in user (`'authenticated'`) or anon."""
    inner = expr.get("A_Expr")
    if not inner:
        return False
    kind = inner.get("kind", "AEXPR_OP")
    # `= x`, `IN (x, y)`, and `= ANY (ARRAY[x, y])` (how the server prints IN back)
    if kind not in ("AEXPR_OP", "AEXPR_IN", "AEXPR_OP_ANY") or strings(inner.get("name")) != ["="]:
        return False
    left, right = inner.get("lexpr"), inner.get("rexpr")
    for role_side, value_side in ((left, right), (right, left)):
        items = None
        if isinstance(value_side, dict):
            items = (value_side.get("List") or value_side.get("A_ArrayExpr") or {}).get(
                "items", value_side.get("A_ArrayExpr", {}).get("elements")
            )
        values = [_constant(v) for v in items] if items else [_constant(value_side)]
        if _role_of_caller(role_side) and values and all(isinstance(v, str) for v in values):
            return not {"anon", "authenticated"} & set(values)
    return False
