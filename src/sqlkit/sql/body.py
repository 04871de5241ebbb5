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
from sqlkit.sql.refs import PlpgsqlContext, Scope, build_expression, build_scope
from sqlkit.sql.source import ByteMap, Range, Source, Span
from sqlkit.sql.tree import Node, const_value, split_name, strings, walk

Locate = Callable[[int], int]  # parser byte location -> file character offset


@dataclass(slots=True)
class NameRef:
    """A name a body uses: a relation, function, type or operator."""

    kind: str  # "relation" | "function" | "type" | "operator"
    schema: str | None
    name: str
    span: Span
    # the span starts exactly where the name is written (checked against the text), so a
    # schema can be put in front of it: `students` -> `public.students` (SK101's fix)
    exact: bool = False

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
    identity_checks: list[str] = field(default_factory=list)  # every mention of the caller
    # the caller's identity where it constrains the work: a guard's condition, the WHERE,
    # JOIN, VALUES of a statement (an identity returned or logged is not there)
    identity_constraints: list[str] = field(default_factory=list)
    guard_calls: list[NameRef] = field(default_factory=list)  # calls in those positions
    # SK115: guards that skip for a NULL identity, and NEW.c <> OLD.c change guards, with
    # the edits that make their comparisons IS DISTINCT FROM (file range, replacement;
    # empty where that is not mechanical), per guard and per guarded column
    null_unsafe_guards: list[tuple[Span, str, tuple[tuple[Range, str], ...]]] = field(
        default_factory=list
    )
    change_guards: list[tuple[Span, list[str], dict[str, tuple[tuple[Range, str], ...]]]] = field(
        default_factory=list
    )
    reads_auth_users: bool = False
    # names the server looks up through the search_path when the body runs, written as text:
    # `nextval('seq')`, `'t'::regclass` (a fix that pins the path cannot qualify them)
    name_strings: list[str] = field(default_factory=list)
    temp_tables: list[str] = field(default_factory=list)  # TEMP tables, views, sequences it creates
    parse_errors: list[tuple[Span, str]] = field(default_factory=list)
    notes: list[tuple[Span, str]] = field(default_factory=list)
    # what its statements refer to (sqlkit.sql.refs), resolved against the model later
    scopes: list[Scope] = field(default_factory=list)
    plpgsql: PlpgsqlContext | None = None

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
    "CallStmt": "CALL",  # a procedure may write; PostgreSQL refuses CALL in a non-volatile function
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


_IDENT_CHARS = re.compile(r"[\w$\"]")


def written_at(text: str, offset: int, name: str) -> bool:
    """Is the identifier `name` (as the parser gives it: folded, unquoted) written exactly at
    `offset`, as a whole token: `students`, `Students` or `"students"`, not `students_row`?"""
    if offset < 0 or (
        offset > 0 and (text[offset - 1] == "." or _IDENT_CHARS.match(text, offset - 1))
    ):
        return False
    if text.startswith('"', offset):
        quoted = '"' + name.replace('"', '""') + '"'
        return text.startswith(quoted, offset)
    end = offset + len(name)
    if text[offset:end].lower() != name or name != name.lower():
        return False
    return end >= len(text) or not _IDENT_CHARS.match(text, end)


# functions that look a name written as text up through the search_path when they run
_NAME_TAKING = re.compile(
    r"^(?:nextval|currval|setval|to_reg\w+|has_\w+_privilege|pg_get_serial_sequence"
    r"|pg_(?:total_)?relation_size|pg_table_size|pg_indexes_size)$"
)
_REG_TYPES = {
    "regclass",
    "regproc",
    "regprocedure",
    "regtype",
    "regoper",
    "regoperator",
    "regconfig",
}


# where a statement that can create a temporary relation names it
_TEMP_CREATED: dict[str, Callable[[Node], Node]] = {
    "CreateStmt": lambda node: node.get("relation") or {},
    "CreateTableAsStmt": lambda node: (node.get("into") or {}).get("rel") or {},
    "ViewStmt": lambda node: node.get("view") or {},
    "CreateSeqStmt": lambda node: node.get("sequence") or {},
}


class SqlScanner:
    """Collects facts from SQL parse trees into a BodyFacts."""

    def __init__(
        self,
        source: Source,
        facts: BodyFacts,
        var_types: dict[str, str] | None = None,
        param_types: list[str] | None = None,
        result_type: str = "",
    ) -> None:
        self.source = source
        self.facts = facts
        self.var_types = var_types or {}
        self.param_types = param_types or []
        # the row type the function returns (`setof public.t` -> `public.t`); a SELECT *
        # that is the function's result and expands exactly that relation has a fixed shape
        self.result_type = result_type.removeprefix("setof ").strip()
        self.result_selects: set[int] = set()  # ids of SelectStmts that are the result
        self.into_types: dict[int, str] = {}  # id of a SelectStmt -> type of its INTO target
        self.identity_vars: set[str] = set()  # PL/pgSQL variables holding the caller's identity
        self.quoted_vars: set[str] = set()  # variables only ever assigned quoted text

    def scan_statement(self, kind: str, node: Node, locate: Locate, stmt_offset: int) -> None:
        if kind not in _READ_STATEMENTS and kind not in DML_WRITES:
            what = _DDL_NAMES.get(kind, kind.removesuffix("Stmt"))
            self.facts.writes.append((what, _span_for(self.source, stmt_offset, len(what))))
            created = _TEMP_CREATED.get(kind)
            if created is not None:
                relation = created(node)
                if relation.get("relpersistence") == "t":  # pg_temp: searched before the path
                    self.facts.temp_tables.append(relation.get("relname", ""))
        self.scan_tree({kind: node}, locate)

    def scan_tree(self, tree: Any, locate: Locate, *, constraining: bool = False) -> None:
        """Collect the facts of one tree; `constraining`: the whole tree decides whether the
        work happens (a guard's condition), so an identity anywhere in it constrains."""
        facts = self.facts
        scope = build_scope(tree, self.source, locate)
        if scope is not None:
            facts.scopes.append(scope)
        identities = len(facts.identity_checks)
        calls = len(facts.refs)
        self._scan(tree, locate)
        new_calls = (
            [ref for ref in facts.refs[calls:] if ref.kind == "function"]
            if len(facts.refs) > calls
            else []
        )
        if constraining:
            if len(facts.identity_checks) > identities or self._names_identity_var(tree):
                facts.identity_constraints.append("condition")
            facts.guard_calls.extend(new_calls)
        elif len(facts.identity_checks) > identities or new_calls or self.identity_vars:
            for sub in _constraining_parts(tree):
                if _mentions_identity(sub, self.identity_vars):
                    facts.identity_constraints.append("statement")
                for kind, node in walk(sub):
                    if kind == "FuncCall":
                        schema, name = split_name(strings(node.get("funcname")))
                        facts.guard_calls.append(NameRef("function", schema, name, (0, 0, 0, 0)))

    def _names_identity_var(self, tree: Any) -> bool:
        if not self.identity_vars:
            return False
        for kind, node in walk(tree):
            if kind == "ColumnRef":
                fields = strings(node.get("fields"))
                if len(fields) == 1 and fields[0] in self.identity_vars:
                    return True
        return False

    def _scan(self, tree: Any, locate: Locate) -> None:
        facts = self.facts
        source = self.source
        pending: list[tuple[str | None, str, int]] = []
        ctes: set[str] = set()
        exempt: set[int] = set()
        known = builtins()
        builtin_operators = known.operators
        stable_builtins = known.stable_functions
        locked: set[int] = set()  # FOR UPDATE OF a: names a FROM item (often an alias)
        for kind, node in walk(tree):
            if kind == "RangeVar":
                if node.get("relpersistence") == "t" or "relname" not in node or id(node) in locked:
                    continue
                pending.append((node.get("schemaname"), node["relname"], node.get("location", 0)))
            elif kind == "LockingClause":
                locked.update(id(rel.get("RangeVar")) for rel in node.get("lockedRels") or ())
            elif kind == "FuncCall":
                parts = strings(node.get("funcname"))
                schema, name = split_name(parts)
                # an unqualified call of a non-volatile built-in can never be a finding
                if not (schema is None and name in stable_builtins):
                    offset = locate(node.get("location", 0))
                    span = _span_for(source, offset, len(".".join(parts)))
                    exact = schema is None and written_at(source.text, offset, name)
                    facts.refs.append(NameRef("function", schema, name, span, exact))
                if _NAME_TAKING.match(name):
                    for arg in node.get("args") or ():
                        value = const_value(arg)
                        if isinstance(value, str) and "." not in value:
                            facts.name_strings.append(f"{name}('{value}')")
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
                        span = _span_for(source, offset, len(".".join(names)))
                        exact = schema is None and written_at(source.text, offset, name)
                        facts.refs.append(NameRef("relation", schema, name, span, exact))
                    continue
                schema, name = split_name(names)
                if schema == "pg_catalog" or (schema is None and name in known.types):
                    continue
                span = _span_for(source, offset, len(".".join(names)))
                exact = schema is None and written_at(source.text, offset, name)
                facts.refs.append(NameRef("type", schema, name, span, exact))
            elif kind == "TypeCast":
                cast = strings((node.get("typeName") or {}).get("names"))
                if cast and cast[-1] in _REG_TYPES:
                    value = const_value(node.get("arg"))
                    if isinstance(value, str) and "." not in value:
                        facts.name_strings.append(f"'{value}'::{cast[-1]}")
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
            exact = schema is None and written_at(source.text, offset, name)
            facts.refs.append(
                NameRef("relation", schema, name, _span_for(source, offset, len(display)), exact)
            )

    def _check_select(self, node: Node, locate: Locate, exempt: set[int]) -> None:
        facts = self.facts
        if id(node) not in exempt:
            for target in node.get("targetList") or ():
                res = target.get("ResTarget", {})
                col = res.get("val", {}).get("ColumnRef")
                if col and col.get("fields") and "A_Star" in col["fields"][-1]:
                    if not self._star_shape_fixed(node, strings(col["fields"])):
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

    def _star_shape_fixed(self, node: Node, qualifier: list[str]) -> bool:
        """Does a declared type fix what `*` (or `t.*`) expands to?

        Yes when every item it expands has a column-definition list (`AS x(a int, b
        text)`), when it fills one `record` variable (`SELECT * INTO r`, `FOR r IN SELECT
        *`: its fields are read by name), or when it expands exactly one relation R and the
        SELECT is the function's result with a declared row type R (`RETURNS SETOF R`), or
        fills an INTO variable declared `R%ROWTYPE` or `R`.
        """
        if self.into_types.get(id(node)) == "record":
            return True
        items = node.get("fromClause") or []
        if qualifier:
            items = [item for item in items if _from_alias(item) == qualifier[-1]]
        if not items:
            return False
        if all(_fixed_function_rows(item) for item in items):
            return True
        if len(items) != 1 or "RangeVar" not in items[0]:
            return False
        rv = items[0]["RangeVar"]
        relation = (rv.get("schemaname"), rv.get("relname", ""))
        declared = [self.into_types.get(id(node), "")]
        if id(node) in self.result_selects:
            declared.append(self.result_type)
        return any(_same_relation(d, relation) for d in declared if d)

    # --- dynamic SQL -----------------------------------------------------------------
    def _quoted(self, fields: list[str], tainted: set[str]) -> bool:
        """A value whose text is already quoted SQL: `object_identity` of an event
        trigger's command (each identifier quoted by the server), or a variable only ever
        assigned quoted text (quote_ident(), format('%I'), literals)."""
        if fields[-1].lower() == "object_identity" and len(fields) > 1:
            return True
        return len(fields) == 1 and fields[0] in self.quoted_vars and fields[0] not in tainted

    def quoted_value(self, node: Any) -> bool:
        """Is the value of `node` quoted SQL or text that cannot carry SQL?"""
        if not isinstance(node, dict):
            return False
        if "A_Const" in node:
            return True
        if "TypeCast" in node:
            cast = node["TypeCast"]
            return _cast_type(cast) in SAFE_TYPES or self.quoted_value(cast.get("arg"))
        if "ColumnRef" in node:
            fields = strings(node["ColumnRef"].get("fields"))
            return bool(fields) and (
                self._quoted(fields, set())
                or (len(fields) == 1 and self.var_types.get(fields[0], "text") in SAFE_TYPES)
            )
        if "A_Expr" in node and strings(node["A_Expr"].get("name")) == ["||"]:
            return self.quoted_value(node["A_Expr"].get("lexpr")) and self.quoted_value(
                node["A_Expr"].get("rexpr")
            )
        if "FuncCall" in node:
            call = node["FuncCall"]
            name = (strings(call.get("funcname")) or [""])[-1]
            args = call.get("args") or []
            if name in _QUOTING_FUNCTIONS:
                return True
            if name == "format" and args:
                fmt = const_value(args[0])
                as_text = format_text_arguments(fmt) if isinstance(fmt, str) else None
                return as_text is not None and all(
                    self.quoted_value(args[i]) for i in as_text if i < len(args)
                )
            if name in ("concat", "concat_ws"):
                return all(self.quoted_value(arg) for arg in args)
        return False

    def unsafe_parts(self, expr: Any, tainted: set[str]) -> list[str]:
        """Variables concatenated raw into a dynamic query expression."""
        found: list[str] = []

        def operand(node: Any) -> None:
            if not isinstance(node, dict):
                return
            if "TypeCast" in node:
                if _cast_type(node["TypeCast"]) in SAFE_TYPES:
                    return  # x::int, objid::regclass::text: the text form cannot carry SQL
                operand(node["TypeCast"].get("arg"))
                return
            if "ColumnRef" in node:
                fields = strings(node["ColumnRef"].get("fields"))
                if not fields or self._quoted(fields, tainted):
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
                    as_text = format_text_arguments(fmt) if isinstance(fmt, str) else None
                    for index, arg in enumerate(args[1:], start=1):
                        if as_text is None or index in as_text:
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


_FORMAT_SPEC = re.compile(r"(?:(\d+)\$)?-?(?:\d+|\*(?:(\d+)\$)?)?([sIL%])")


def format_text_arguments(fmt: str) -> set[int] | None:
    """1-based indexes of format()'s arguments that a `%s` puts in as plain text, with
    positions (`%2$s`), flags and widths (`%-10s`, `%*s`) as PostgreSQL reads them; None
    when the string is not a valid format (the server would reject it)."""
    out: set[int] = set()
    position = 0
    next_arg = 1
    while True:
        position = fmt.find("%", position)
        if position == -1:
            return out
        match = _FORMAT_SPEC.match(fmt, position + 1)
        if match is None:
            return None
        explicit, width_arg, kind = match.groups()
        position = match.end()
        if kind == "%":
            continue
        spec = match.group(0)
        if "*" in spec:  # the width comes from an argument, consumed first
            next_arg = int(width_arg) + 1 if width_arg else next_arg + 1
        index = int(explicit) if explicit else next_arg
        next_arg = index + 1
        if kind == "s":
            out.add(index)


def _cast_type(cast: Node) -> str:
    names = strings((cast.get("typeName") or {}).get("names"))
    return names[-1].lower() if names else ""


def is_identity_call(kind: str, node: Node) -> bool:
    """An expression node that reads who the caller is."""
    if kind == "FuncCall":
        schema, name = split_name(strings(node.get("funcname")))
        if (schema, name.lower()) in IDENTITY_FUNCTIONS or _PRIVILEGE_CHECKS.match(name):
            return True
        if name == "current_setting":
            args = node.get("args") or []
            value = const_value(args[0]) if args else None
            return isinstance(value, str) and value.startswith("request.jwt")
        return False
    return kind == "SQLValueFunction" and node.get("op") in _IDENTITY_SVF


def _mentions_identity(tree: Any, identity_vars: set[str]) -> bool:
    for kind, node in walk(tree):
        if is_identity_call(kind, node):
            return True
        if kind == "ColumnRef" and identity_vars:
            fields = strings(node.get("fields"))
            if len(fields) == 1 and fields[0] in identity_vars:
                return True
    return False


def _constraining_parts(tree: Any) -> list[Any]:
    """The parts of a statement that decide which rows it reads or writes, or what it
    writes as a new row: WHERE, HAVING, JOIN ... ON, VALUES and INSERT ... SELECT lists,
    ON CONFLICT ... WHERE, MERGE ... ON, and the arguments of functions in FROM."""
    parts: list[Any] = []
    for kind, node in walk(tree):
        if kind in ("SelectStmt", "UpdateStmt", "DeleteStmt"):
            parts.append(node.get("whereClause"))
            if kind == "SelectStmt":
                parts.append(node.get("havingClause"))
        elif kind == "JoinExpr":
            parts.append(node.get("quals"))
        elif kind == "InsertStmt":
            select = (node.get("selectStmt") or {}).get("SelectStmt") or {}
            parts.append(select.get("valuesLists"))
            parts.append(select.get("targetList"))
            parts.append((node.get("onConflictClause") or {}).get("whereClause"))
        elif kind == "MergeStmt":
            parts.append(node.get("joinCondition"))
        elif kind == "RangeFunction":
            parts.append(node.get("functions"))
    return [part for part in parts if part]


def _fixed_function_rows(item: Node) -> bool:
    """A FROM item of function calls whose rows have a fixed shape: a column-definition list
    (`AS x(a int, b text)`), or only built-in functions (`jsonb_array_elements(...)`,
    `generate_series(...)`), whose columns no migration changes."""
    function = item.get("RangeFunction")
    if function is None:
        return False
    if function.get("coldeflist"):
        return True
    known = builtins().functions
    calls = [
        call.get("FuncCall")
        for entry in function.get("functions") or ()
        for call in (entry.get("List", {}).get("items") or ())[:1]
    ]
    return bool(calls) and all(
        call is not None and _builtin_name(strings(call.get("funcname")), known) for call in calls
    )


def _builtin_name(parts: list[str], known: frozenset[str]) -> bool:
    return (len(parts) == 1 or (len(parts) == 2 and parts[0] == "pg_catalog")) and (
        parts[-1] in known
    )


def _from_alias(item: Node) -> str | None:
    """The name a FROM item is referred to by (its alias, else a relation's name)."""
    inner = item.get("RangeVar") or item.get("RangeFunction") or item.get("RangeSubselect")
    if inner is None:
        return None
    alias = inner.get("alias", {}).get("aliasname") or inner.get("relname")
    return str(alias) if alias else None


def _same_relation(declared: str, relation: tuple[str | None, str]) -> bool:
    """`public.t`, `t` or `public.t%rowtype` names `relation` (schema compared when both say)."""
    text = declared.strip()
    if text.lower().endswith("%rowtype"):
        text = text[: -len("%rowtype")]
    if text.endswith("[]") or "%" in text:
        return False
    parts = [p.strip('"') for p in text.split(".")]
    schema, name = split_name(parts)
    if name != relation[1]:
        return False
    return schema is None or relation[0] is None or schema == relation[0]


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
    source: Source, body: str, body_offset: int, param_types: list[str], result_type: str = ""
) -> BodyFacts:
    """Facts of a `LANGUAGE sql` body given as a string."""
    from pglast import parser as pg_parser

    facts = BodyFacts()
    scanner = SqlScanner(source, facts, param_types=param_types, result_type=result_type)
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
        if kind == "SelectStmt":
            scanner.result_selects.add(id(node))
        scanner.scan_statement(kind, node, locate, locate(raw.get("stmt_location", 0)))
    return facts


def analyse_atomic_body(
    source: Source, sql_body: Node, locate: Locate, param_types: list[str], result_type: str = ""
) -> BodyFacts:
    """Facts of a `BEGIN ATOMIC ... END` / `RETURN expr` body, parsed with its statement."""
    facts = BodyFacts()
    scanner = SqlScanner(source, facts, param_types=param_types, result_type=result_type)
    # BEGIN ATOMIC comes as a list holding the list of statements
    for group in sql_body.get("List", {}).get("items") or ():
        for stmt in group.get("List", {}).get("items") or ():
            if "SelectStmt" in stmt:
                scanner.result_selects.add(id(stmt["SelectStmt"]))
            scope = build_scope(stmt, source, locate)
            if scope is not None:
                facts.scopes.append(scope)
    if "ReturnStmt" in sql_body:  # RETURN expr
        facts.scopes.append(
            build_expression(sql_body["ReturnStmt"].get("returnval"), source, locate)
        )
    scanner.scan_tree(sql_body, locate)
    return facts
