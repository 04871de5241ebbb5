"""What a function body does: the names it uses, what it writes, calls and checks.

Bodies are analysed once, where they are parsed: `LANGUAGE sql` bodies are
re-parsed, `BEGIN ATOMIC` bodies come parsed with the statement (this module),
and PL/pgSQL bodies go through `sqlkit.sql.plpgsql`, which scans their embedded
SQL with the same `SqlScanner`. The result, `BodyFacts`, is plain data the
rules read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlkit.data import builtins
from sqlkit.sql.fastjson import loads
from sqlkit.sql.source import ByteMap, Source, Span
from sqlkit.sql.tree import Node, const_value, split_name, strings, walk

Locate = Callable[[int], int]  # parser byte location -> file character offset


@dataclass(slots=True)
class NameRef:
    """A name a body uses: a relation, function, type or operator."""

    kind: str  # "relation" | "function" | "type" | "operator"
    schema: str | None
    name: str
    span: Span

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(slots=True)
class BodyFacts:
    """Everything the rules need to know about one function body."""

    analysed: bool = True
    refs: list[NameRef] = field(default_factory=list)
    writes: list[tuple[str, Span]] = field(default_factory=list)
    dynamic_sql: list[Span] = field(default_factory=list)
    unsafe_exec: list[tuple[Span, tuple[str, ...]]] = field(default_factory=list)
    raise_problems: list[tuple[Span, str]] = field(default_factory=list)
    select_stars: list[Span] = field(default_factory=list)
    offset_params: list[tuple[Span, str]] = field(default_factory=list)
    identity_checks: list[str] = field(default_factory=list)
    reads_auth_users: bool = False
    parse_errors: list[tuple[Span, str]] = field(default_factory=list)
    notes: list[tuple[Span, str]] = field(default_factory=list)

    def calls(self) -> list[NameRef]:
        return [ref for ref in self.refs if ref.kind == "function"]


DML_WRITES = {
    "InsertStmt": "INSERT",
    "UpdateStmt": "UPDATE",
    "DeleteStmt": "DELETE",
    "MergeStmt": "MERGE",
    "TruncateStmt": "TRUNCATE",
}
_READ_STATEMENTS = {
    "SelectStmt",
    "ReturnStmt",
    "PLAssignStmt",
    "CallStmt",
    "DeclareCursorStmt",
    "ExplainStmt",
    "FetchStmt",
    "ClosePortalStmt",
}
_DDL_NAMES = {
    "CreateStmt": "CREATE TABLE",
    "DropStmt": "DROP",
    "AlterTableStmt": "ALTER TABLE",
    "IndexStmt": "CREATE INDEX",
    "NotifyStmt": "NOTIFY",
    "VariableSetStmt": "SET",
    "CreateTableAsStmt": "CREATE TABLE AS",
    "LockStmt": "LOCK",
    "RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW",
    "CopyStmt": "COPY",
}
IDENTITY_FUNCTIONS = {
    ("auth", "uid"),
    ("auth", "jwt"),
    ("auth", "role"),
    ("auth", "email"),
}
_PRIVILEGE_CHECKS = re.compile(r"^(has_\w+_privilege|pg_has_role|row_security_active)$")
_IDENTITY_SVF = {"SVFOP_CURRENT_USER", "SVFOP_SESSION_USER", "SVFOP_CURRENT_ROLE", "SVFOP_USER"}
# Types whose text form cannot carry SQL: concatenating them into dynamic SQL is safe.
SAFE_TYPES = {
    "int2",
    "int4",
    "int8",
    "numeric",
    "float4",
    "float8",
    "bool",
    "uuid",
    "date",
    "timestamp",
    "timestamptz",
    "time",
    "interval",
    "oid",
    "regclass",
    "regproc",
    "regprocedure",
    "regtype",
    "integer",
    "bigint",
    "smallint",
    "boolean",
}
_QUOTING_FUNCTIONS = {"quote_ident", "quote_literal", "quote_nullable"}
_PRINTF_TAIL = re.compile(r"[-+#0]*\d*(?:\.\d+)?[sdifgeExXcu]")


def printf_specifiers(message: str) -> list[str]:
    """printf-style specifiers (`%s`, `%d`, `%.2f`) in a RAISE message; `%%` is a literal."""
    found: list[str] = []
    i = 0
    while i < len(message):
        if message[i] != "%":
            i += 1
            continue
        if message.startswith("%%", i):
            i += 2
            continue
        match = _PRINTF_TAIL.match(message, i + 1)
        if match:
            found.append("%" + match.group(0))
        i += 1
    return found


def _span_for(source: Source, start: int, length: int) -> Span:
    return source.span(start, start + max(length, 1))


class SqlScanner:
    """Collects facts from SQL parse trees into a BodyFacts."""

    def __init__(
        self,
        source: Source,
        facts: BodyFacts,
        var_types: dict[str, str] | None = None,
        param_types: list[str] | None = None,
    ) -> None:
        self.source = source
        self.facts = facts
        self.var_types = var_types or {}
        self.param_types = param_types or []

    def scan_statement(self, kind: str, node: Node, locate: Locate, stmt_offset: int) -> None:
        if kind not in _READ_STATEMENTS and kind not in DML_WRITES:
            what = _DDL_NAMES.get(kind, kind.removesuffix("Stmt"))
            self.facts.writes.append((what, _span_for(self.source, stmt_offset, len(what))))
        self.scan_tree({kind: node}, locate)

    def scan_tree(self, tree: Any, locate: Locate) -> None:
        facts = self.facts
        source = self.source
        pending: list[tuple[str | None, str, int]] = []
        ctes: set[str] = set()
        exempt: set[int] = set()
        known = builtins()
        builtin_operators = known.operators
        stable_builtins = known.stable_functions
        for kind, node in walk(tree):
            if kind == "RangeVar":
                if node.get("relpersistence") == "t" or "relname" not in node:
                    continue
                pending.append((node.get("schemaname"), node["relname"], node.get("location", 0)))
            elif kind == "FuncCall":
                parts = strings(node.get("funcname"))
                schema, name = split_name(parts)
                # an unqualified call of a non-volatile built-in can never be a finding
                if not (schema is None and name in stable_builtins):
                    offset = locate(node.get("location", 0))
                    span = _span_for(source, offset, len(".".join(parts)))
                    facts.refs.append(NameRef("function", schema, name, span))
                lowered = (schema, name.lower())
                if lowered in IDENTITY_FUNCTIONS:
                    facts.identity_checks.append(f"{schema}.{name}()")
                elif _PRIVILEGE_CHECKS.match(name):
                    facts.identity_checks.append(f"{name}()")
                elif name == "current_setting":
                    args = node.get("args") or []
                    value = const_value(args[0]) if args else None
                    if isinstance(value, str) and value.startswith("request.jwt"):
                        facts.identity_checks.append(f"current_setting('{value}')")
            elif kind == "TypeName":
                names = strings(node.get("names"))
                if not names:
                    continue
                offset = locate(node.get("location", 0))
                if node.get("pct_type"):
                    if len(names) >= 2:
                        rel = names[:-1]
                        schema, name = split_name(rel)
                        facts.refs.append(
                            NameRef(
                                "relation",
                                schema,
                                name,
                                _span_for(source, offset, len(".".join(names))),
                            )
                        )
                    continue
                schema, name = split_name(names)
                if schema == "pg_catalog" or (schema is None and name in known.types):
                    continue
                facts.refs.append(
                    NameRef("type", schema, name, _span_for(source, offset, len(".".join(names))))
                )
            elif kind == "A_Expr":
                names = strings(node.get("name"))
                if len(names) == 2 and names[0] == "pg_catalog":
                    continue
                if len(names) == 1 and names[0] in builtin_operators:
                    continue  # pg_catalog's operators always resolve
                if names:
                    schema, name = split_name(names)
                    offset = locate(node.get("location", 0))
                    facts.refs.append(
                        NameRef("operator", schema, name, _span_for(source, offset, len(name)))
                    )
            elif kind == "SQLValueFunction":
                if node.get("op") in _IDENTITY_SVF:
                    facts.identity_checks.append(node["op"].removeprefix("SVFOP_").lower())
            elif kind == "CommonTableExpr":
                if node.get("ctename"):
                    ctes.add(node["ctename"])
            elif kind == "SubLink":
                if node.get("subLinkType") == "EXISTS_SUBLINK":
                    sub = node.get("subselect", {}).get("SelectStmt")
                    if sub is not None:
                        exempt.add(id(sub))
            elif kind == "SelectStmt":
                self._check_select(node, locate, exempt)
            elif kind in DML_WRITES:
                relation = node.get("relation") or {}
                offset = locate(relation.get("location", 0)) if relation else 0
                target = relation.get("relname", "")
                if relation.get("schemaname"):
                    target = f"{relation['schemaname']}.{target}"
                facts.writes.append(
                    (f"{DML_WRITES[kind]} {target}".strip(), _span_for(source, offset, len(target)))
                )
        for schema, name, location in pending:
            if schema is None and name in ctes:
                continue
            if schema == "auth" and name == "users":
                facts.reads_auth_users = True
            offset = locate(location)
            display = f"{schema}.{name}" if schema else name
            facts.refs.append(
                NameRef("relation", schema, name, _span_for(source, offset, len(display)))
            )

    def _check_select(self, node: Node, locate: Locate, exempt: set[int]) -> None:
        facts = self.facts
        if id(node) not in exempt:
            for target in node.get("targetList") or ():
                res = target.get("ResTarget", {})
                col = res.get("val", {}).get("ColumnRef")
                if col and col.get("fields") and "A_Star" in col["fields"][-1]:
                    offset = locate(col.get("location", 0))
                    facts.select_stars.append(_span_for(self.source, offset, 1))
                    break
        offset_expr = node.get("limitOffset")
        if offset_expr:
            used = []
            for kind, sub in walk(offset_expr):
                if kind in ("ColumnRef", "ParamRef"):
                    name = (
                        ".".join(strings(sub.get("fields")))
                        if kind == "ColumnRef"
                        else f"${sub.get('number', 0)}"
                    )
                    used.append((sub.get("location", 0), name))
            for location, name in sorted(used):
                offset = locate(location)
                facts.offset_params.append((_span_for(self.source, offset, len(name)), name))
        if node.get("lockingClause"):
            offset = locate(
                node.get("targetList", [{}])[0].get("ResTarget", {}).get("location", 0)
                if node.get("targetList")
                else 0
            )
            facts.writes.append(("SELECT ... FOR UPDATE/SHARE", _span_for(self.source, offset, 6)))

    # --- dynamic SQL -----------------------------------------------------------------
    def unsafe_parts(self, expr: Any, tainted: set[str]) -> list[str]:
        """Variables concatenated raw into a dynamic query expression."""
        found: list[str] = []

        def operand(node: Any) -> None:
            if not isinstance(node, dict):
                return
            if "TypeCast" in node:
                operand(node["TypeCast"].get("arg"))
                return
            if "ColumnRef" in node:
                fields = strings(node["ColumnRef"].get("fields"))
                if not fields:
                    return
                name = fields[0]
                if name in tainted or self.var_types.get(name, "text") not in SAFE_TYPES:
                    found.append(".".join(fields))
                return
            if "ParamRef" in node:
                number = node["ParamRef"].get("number", 0)
                typ = self.param_types[number - 1] if 0 < number <= len(self.param_types) else ""
                if typ not in SAFE_TYPES:
                    found.append(f"${number}")
                return
            if "A_Expr" in node and strings(node["A_Expr"].get("name")) == ["||"]:
                operand(node["A_Expr"].get("lexpr"))
                operand(node["A_Expr"].get("rexpr"))
                return
            if "FuncCall" in node:
                call = node["FuncCall"]
                name = (strings(call.get("funcname")) or [""])[-1]
                if name in _QUOTING_FUNCTIONS:
                    return
                args = call.get("args") or []
                if name == "format" and args:
                    fmt = const_value(args[0])
                    if isinstance(fmt, str) and "%s" not in fmt.replace("%%", ""):
                        return
                    for arg in args[1:]:
                        operand(arg)
                    return
                if name in ("concat", "concat_ws"):
                    for arg in args:
                        operand(arg)
                return
            if "CoalesceExpr" in node:
                for arg in node["CoalesceExpr"].get("args") or ():
                    operand(arg)

        root = expr
        if isinstance(root, dict) and "ColumnRef" in root:
            fields = strings(root["ColumnRef"].get("fields"))
            if fields and fields[0] in tainted:
                found.append(fields[0])
            return found
        concatenated = False
        for kind, node in walk(root):
            if kind == "A_Expr" and strings(node.get("name")) == ["||"]:
                concatenated = True
                break
            if kind == "FuncCall" and (strings(node.get("funcname")) or [""])[-1] in (
                "format",
                "concat",
                "concat_ws",
            ):
                concatenated = True
                break
        if concatenated:
            operand(root)
        return found


def parse_expression(expr: str) -> Node | None:
    """Parse a PL/pgSQL expression as `SELECT <expr>`; return the expression node."""
    from pglast import parser as pg_parser  # loaded with parsing, not with the model

    try:
        tree = loads(pg_parser.parse_sql_json("SELECT " + expr))
    except pg_parser.ParseError:
        return None
    stmts = tree.get("stmts") or []
    if len(stmts) != 1:
        return None
    select = stmts[0]["stmt"].get("SelectStmt") or {}
    targets = select.get("targetList") or []
    if len(targets) != 1:
        return None
    return targets[0].get("ResTarget", {}).get("val")  # type: ignore[no-any-return]


def analyse_sql_body(
    source: Source, body: str, body_offset: int, param_types: list[str]
) -> BodyFacts:
    """Facts of a `LANGUAGE sql` body given as a string."""
    from pglast import parser as pg_parser

    facts = BodyFacts()
    scanner = SqlScanner(source, facts, param_types=param_types)
    try:
        tree = loads(pg_parser.parse_sql_json(body))
    except pg_parser.ParseError as exc:
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        facts.parse_errors.append((source.span(body_offset + location), str(exc.args[0])))
        facts.analysed = False
        return facts
    bytemap = ByteMap(body)

    def locate(byte_location: int) -> int:
        return body_offset + bytemap.to_char(max(byte_location, 0))

    for raw in tree.get("stmts", ()):
        stmt = raw.get("stmt") or {}
        if len(stmt) != 1:
            continue
        ((kind, node),) = stmt.items()
        scanner.scan_statement(kind, node, locate, locate(raw.get("stmt_location", 0)))
    return facts


def analyse_atomic_body(
    source: Source, sql_body: Node, locate: Locate, param_types: list[str]
) -> BodyFacts:
    """Facts of a `BEGIN ATOMIC ... END` / `RETURN expr` body, parsed with its statement."""
    facts = BodyFacts()
    SqlScanner(source, facts, param_types=param_types).scan_tree(sql_body, locate)
    return facts
