"""Guards in PL/pgSQL bodies: who the caller is, and whether a NULL identity skips the check.

A guard is an `IF <condition> THEN RAISE ... | RETURN ...`. When its condition compares
the caller's identity with `<>`, `!=`, `NOT (a = b)` or `NOT IN`, an anonymous caller
(whose `auth.uid()` is NULL) makes the condition NULL, and NULL is not true: the guard is
skipped and the work goes on (SK115). The same holds for `NEW.c <> OLD.c` in a trigger
when either value is NULL.

Only conditions that can matter are parsed: the text is tested first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlkit.sql.body import BodyFacts, parse_expression
from sqlkit.sql.source import ByteMap, Range, Span
from sqlkit.sql.tree import Node, canonical, const_value, split_name, strings, walk

# auth.uid() / auth.jwt() / auth.role() / auth.email() and the request.jwt settings:
# NULL for a caller without a JWT (auth.uid() and the claims for anon as well)
IDENTITY_TEXT = re.compile(r"\bauth\s*\.\s*(?:uid|jwt|role|email)\b|request\.jwt", re.I)
_NEGATION_TEXT = re.compile(r"<>|!=|\bnot\b", re.I)
ROW_TEXT = re.compile(r"\b(?:new|old)\s*\.", re.I)
_NULLABLE_IDENTITY = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
ERROR_LEVEL = 21  # elog_level of RAISE EXCEPTION (and of a RAISE without a level)


def _is_nullable_identity_call(kind: str, node: Node) -> bool:
    if kind != "FuncCall":
        return False
    schema, name = split_name(strings(node.get("funcname")))
    if (schema, name.lower()) in _NULLABLE_IDENTITY:
        return True
    if name == "current_setting":
        args = node.get("args") or []
        value = const_value(args[0]) if args else None
        return isinstance(value, str) and value.startswith("request.jwt")
    return False


def nullable_identity(expr: Any, variables: set[str]) -> bool:
    """Does `expr` carry the caller's identity, NULL for an anonymous caller? A
    `coalesce(...)` around it gives it a value, so what is inside does not count."""
    stack = [expr]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        if len(value) == 1:
            ((kind, node),) = value.items()
            if kind == "CoalesceExpr":
                continue
            if _is_nullable_identity_call(kind, node if isinstance(node, dict) else {}):
                return True
            if kind == "ColumnRef" and variables:
                fields = strings(node.get("fields"))
                if len(fields) == 1 and fields[0] in variables:
                    return True
        stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
    return False


# ------------------------------------------------------------- identity variables
def identity_variables(
    function: Node, statements: list[tuple[str, Node, int]]
) -> tuple[set[str], set[str]]:
    """Variables assigned the caller's identity — in DECLARE, with `:=`, or by `SELECT
    auth.uid() INTO v` — and, second, those of them that can be NULL (a value passed
    through coalesce() cannot)."""
    found: set[str] = set()
    nullable: set[str] = set()
    for datum in function.get("datums") or ():
        var = datum.get("PLpgSQL_var")
        if not var:
            continue
        default = (var.get("default_val") or {}).get("PLpgSQL_expr", {}).get("query", "")
        if default and IDENTITY_TEXT.search(default):
            _classify(var.get("refname", ""), default, found, nullable)
    assignments: list[tuple[str, str]] = []  # (variable, text it is assigned)
    for datum in function.get("datums") or ():
        var = datum.get("PLpgSQL_var")
        default = ((var or {}).get("default_val") or {}).get("PLpgSQL_expr", {}).get("query", "")
        if var and default:
            assignments.append((var.get("refname", ""), default))
    for kind, node, _ in statements:
        if kind == "PLpgSQL_stmt_assign":
            query = node.get("expr", {}).get("PLpgSQL_expr", {}).get("query", "")
            target, sep, value = query.partition(":=")
            if sep:
                assignments.append((target.strip().strip('"'), value))
    for kind, node, _ in statements:
        if kind == "PLpgSQL_stmt_assign":
            query = node.get("expr", {}).get("PLpgSQL_expr", {}).get("query", "")
            target, sep, value = query.partition(":=")
            if not sep:
                target, sep, value = query.partition("=")
            if sep and IDENTITY_TEXT.search(value):
                _classify(target.strip().strip('"'), value, found, nullable)
        elif kind == "PLpgSQL_stmt_execsql" and node.get("into"):
            query = node.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
            if not IDENTITY_TEXT.search(query):
                continue
            targets = into_names(node)
            selected = _select_targets(query)
            if len(targets) == len(selected):
                for name, value in zip(targets, selected, strict=True):
                    if nullable_identity(value, set()):
                        found.add(name)
                        nullable.add(name)
                    elif IDENTITY_TEXT.search(str(value)):
                        found.add(name)
    # a variable computed from one that holds the identity holds it too
    # (v_claims := auth.jwt(); v_role := v_claims ->> 'user_role')
    changed = bool(found)
    while changed:
        changed = False
        for name, text in assignments:
            if name and name not in found and any(_names(text, var) for var in found):
                found.add(name)
                value = parse_expression(text)
                if value is None or nullable_identity(value, nullable | found):
                    nullable.add(name)
                changed = True
    return found, nullable


def _names(text: str, variable: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(variable)}\b", text) is not None


def _classify(name: str, text: str, found: set[str], nullable: set[str]) -> None:
    if not name:
        return
    found.add(name)
    value = parse_expression(text)
    if value is None or nullable_identity(value, set()):
        nullable.add(name)


def _select_targets(query: str) -> list[Any]:
    from pglast import parser as pg_parser

    from sqlkit.sql.fastjson import loads

    try:
        tree = loads(pg_parser.parse_sql_json(query))
    except pg_parser.ParseError:
        return []
    stmts = tree.get("stmts") or []
    select = stmts[0]["stmt"].get("SelectStmt") if len(stmts) == 1 else None
    if not select:
        return []
    return [t.get("ResTarget", {}).get("val") for t in select.get("targetList") or ()]


def into_names(node: Node) -> list[str]:
    """The variables an `... INTO` statement fills."""
    target = node.get("target") or {}
    row = target.get("PLpgSQL_row")
    if row:
        return [f.get("name", "") for f in row.get("fields") or ()]
    for key in ("PLpgSQL_rec", "PLpgSQL_var"):
        if key in target:
            return [target[key].get("refname", "")]
    return []


# ------------------------------------------------------------------------ guards
def _raises(body: list[Any] | None) -> bool:
    """A THEN branch with a RAISE EXCEPTION (at its own level)."""
    for item in body or ():
        raise_ = item.get("PLpgSQL_stmt_raise") if isinstance(item, dict) else None
        if raise_ is not None and raise_.get("elog_level", ERROR_LEVEL) >= ERROR_LEVEL:
            return True
    return False


def _denies(body: list[Any] | None) -> bool:
    """A THEN branch that stops the work: a RAISE EXCEPTION, or a RETURN before any work
    (only notices or logs may come first)."""
    if _raises(body):
        return True
    for item in body or ():
        if not isinstance(item, dict):
            return False
        if "PLpgSQL_stmt_return" in item:
            return True
        if "PLpgSQL_stmt_raise" not in item:
            return False  # work first: the branch is not a guard
    return False


def _comparisons(expr: Any) -> Iterator[tuple[str, Node, Node, Node | None]]:
    """(`<>` | `not =` | `not in`, left, right, the `<>` node) comparisons that a NULL side
    makes NULL; the node only for a plain `a <> b`, which IS DISTINCT FROM can replace."""
    for kind, node in walk(expr):
        if kind == "A_Expr":
            names = strings(node.get("name"))
            op_kind = node.get("kind", "AEXPR_OP")
            if op_kind == "AEXPR_OP" and names == ["<>"]:
                yield "<>", node.get("lexpr") or {}, node.get("rexpr") or {}, node
            elif op_kind == "AEXPR_IN" and names == ["<>"]:
                yield "NOT IN", node.get("lexpr") or {}, node.get("rexpr") or {}, None
        elif kind == "BoolExpr" and node.get("boolop") == "NOT_EXPR":
            for arg in node.get("args") or ():
                inner = arg.get("A_Expr") if isinstance(arg, dict) else None
                if inner and strings(inner.get("name")) == ["="]:
                    kind_ = "NOT IN" if inner.get("kind") == "AEXPR_IN" else "NOT (a = b)"
                    yield kind_, inner.get("lexpr") or {}, inner.get("rexpr") or {}, None
                sub = arg.get("SubLink") if isinstance(arg, dict) else None
                if sub and sub.get("subLinkType") == "ANY_SUBLINK":
                    yield "NOT IN", sub.get("testexpr") or {}, {}, None


def distinct_edits(text: str, expr: Node, nodes: list[Node]) -> list[tuple[int, int, str]] | None:
    """Edits of a condition's text that turn each `a <> b` of `nodes` into `a IS DISTINCT
    FROM b`: (start, end, replacement) offsets into `text`, or None when the text does not
    show the operator where the parser says, or the edited text would not parse into
    exactly that change (operator precedence, say). SK115's fix."""
    if not nodes:
        return None
    bytemap = ByteMap("SELECT " + text)
    lowered = sum(c.islower() for c in text) >= sum(c.isupper() for c in text)
    word = "is distinct from" if lowered else "IS DISTINCT FROM"
    edits: list[tuple[int, int, str]] = []
    for node in nodes:
        start = bytemap.to_char(node.get("location", -1)) - len("SELECT ")
        if start < 0 or text[start : start + 2] not in ("<>", "!="):
            return None
        edits.append((start, start + 2, word))
    edits.sort()
    fixed = text
    for start, end, replacement in reversed(edits):
        fixed = fixed[:start] + replacement + fixed[end:]
    for node in nodes:  # what the parser must read back: the same tree, those nodes changed
        node["kind"], saved = "AEXPR_DISTINCT", node.get("kind")
        node["name"], saved_name = [{"String": {"sval": "="}}], node.get("name")
        node["sqlkit_saved"] = (saved, saved_name)
    try:
        expected = canonical(_without_saved(expr))
    finally:
        for node in nodes:
            kind, name = node.pop("sqlkit_saved")
            node["kind"], node["name"] = kind, name
            if kind is None:
                node.pop("kind")
    parsed = parse_expression(fixed)
    if parsed is None or canonical(parsed) != expected:
        return None
    return edits


def _without_saved(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_saved(v) for k, v in node.items() if k != "sqlkit_saved"}
    if isinstance(node, list):
        return [_without_saved(v) for v in node]
    return node


def _rejects_null_identity(expr: Any, variables: set[str]) -> bool:
    """`x IS NULL` (or `x IS NOT NULL` under NOT) on the identity, or IS DISTINCT FROM."""
    for kind, node in walk(expr):
        if (
            kind == "NullTest"
            and node.get("nulltesttype") == "IS_NULL"
            and nullable_identity(node.get("arg"), variables)
        ):
            return True
        if (
            kind == "A_Expr"
            and node.get("kind") in ("AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT")
            and nullable_identity(node, variables)
        ):
            return True
    return False


def _row_column(node: Node) -> tuple[str, str] | None:
    """(`new`|`old`, column) of `NEW.col`."""
    ref = node.get("ColumnRef")
    if not ref:
        return None
    fields = [f.lower() for f in strings(ref.get("fields"))]
    if len(fields) == 2 and fields[0] in ("new", "old"):
        return fields[0], fields[1]
    return None


def analyse_guards(
    facts: BodyFacts,
    statements: list[tuple[str, Node, int]],
    nullable_vars: set[str],
    is_trigger: bool,
    span_of: Any,
    ranges_of: Any = None,
) -> None:
    """SK115's facts: identity guards a NULL skips (unless the body rejects a NULL identity
    first) and, in trigger functions, `NEW.c <> OLD.c` change guards. `statements` are the
    body's PL/pgSQL statements (kind, node, line) in text order. `ranges_of(text, lineno,
    edits)` maps edits of a condition's text to file ranges (or None)."""

    def fix_ranges(text: str, lineno: int, expr: Node, nodes: list[Node | None]) -> Any:
        if ranges_of is None or any(node is None for node in nodes):
            return ()
        edits = distinct_edits(text, expr, [n for n in nodes if n is not None])
        return (ranges_of(text, lineno, edits) or ()) if edits else ()

    null_rejected_at: int | None = None
    guards: list[tuple[int, Span, str, tuple[tuple[Range, str], ...]]] = []
    for kind, node, _ in statements:
        if kind != "PLpgSQL_stmt_if":
            continue
        conditions = [(node.get("cond"), node.get("then_body"), node.get("lineno", 0))]
        for elsif in node.get("elsif_list") or ():
            inner = elsif.get("PLpgSQL_if_elsif", {})
            conditions.append((inner.get("cond"), inner.get("stmts"), inner.get("lineno", 0)))
        for cond, body, lineno in conditions:
            text = (cond or {}).get("PLpgSQL_expr", {}).get("query", "")
            if not text or not _denies(body):
                continue
            identity_text = bool(IDENTITY_TEXT.search(text)) or any(
                re.search(rf"\b{re.escape(v)}\b", text) for v in nullable_vars
            )
            # a change guard protects a column: it raises (a branch that does other work
            # when a value changes is not a guard)
            row_text = is_trigger and bool(ROW_TEXT.search(text)) and _raises(body)
            if not (identity_text or row_text):
                continue
            expr = parse_expression(text)
            if expr is None:
                continue
            if identity_text and _rejects_null_identity(expr, nullable_vars):
                if null_rejected_at is None or lineno < null_rejected_at:
                    null_rejected_at = lineno
                continue
            if not _NEGATION_TEXT.search(text):
                continue
            if identity_text:
                found = [
                    (how, op)
                    for how, left, right, op in _comparisons(expr)
                    if nullable_identity(left, nullable_vars)
                    or nullable_identity(right, nullable_vars)
                ]
                if found:
                    ranges = fix_ranges(text, lineno, expr, [node for _, node in found])
                    guards.append((lineno, span_of(text, lineno), found[0][0], ranges))
            if row_text:
                columns: dict[str, list[Node | None]] = {}
                for _how, left, right, op in _comparisons(expr):
                    sides = (_row_column(left), _row_column(right))
                    if (
                        sides[0]
                        and sides[1]
                        and sides[0][1] == sides[1][1]
                        and {sides[0][0], sides[1][0]} == {"new", "old"}
                    ):
                        columns.setdefault(sides[0][1], []).append(op)
                if columns:
                    facts.change_guards.append(
                        (
                            span_of(text, lineno),
                            list(columns),
                            {
                                column: fix_ranges(text, lineno, expr, nodes)
                                for column, nodes in columns.items()
                            },
                        )
                    )
    for lineno, span, how, ranges in guards:
        if null_rejected_at is not None and null_rejected_at <= lineno:
            continue
        facts.null_unsafe_guards.append((span, how, ranges))
