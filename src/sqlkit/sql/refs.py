"""What SQL refers to, as a tree of scopes: relations and columns, each with its place in the
file.

Built where statements are parsed (`build_scope`), from the parse trees of function bodies,
views, policies, defaults and trigger conditions; resolved later against the replayed
model by `sqlkit.model.binding`, which knows what exists. The skeleton keeps only what
resolving needs, so it is small to cache and cheap to walk.

PL/pgSQL adds what its own parser knows (`plpgsql_context`): variables, record variables
and their declared types, labels, and the `rec.field` references of its statements, read
from the text because simple expressions are never parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlkit.data import builtins
from sqlkit.sql.source import Source, Span
from sqlkit.sql.tree import Node, const_value, split_name, strings, type_name

Locate = Callable[[int], int]  # parser byte location -> file character offset
_SEQUENCE_FUNCTIONS = frozenset({"nextval", "currval", "setval"})
# FigureColname's names for expressions that are not columns or calls
_EXPR_NAMES = {
    "CaseExpr": "case",
    "A_ArrayExpr": "array",
    "RowExpr": "row",
    "CoalesceExpr": "coalesce",
    "NullIfExpr": "nullif",
    "GroupingFunc": "grouping",
}
_SVF_NAMES = {
    "SVFOP_CURRENT_DATE": "current_date",
    "SVFOP_CURRENT_TIME": "current_time",
    "SVFOP_CURRENT_TIME_N": "current_time",
    "SVFOP_CURRENT_TIMESTAMP": "current_timestamp",
    "SVFOP_CURRENT_TIMESTAMP_N": "current_timestamp",
    "SVFOP_LOCALTIME": "localtime",
    "SVFOP_LOCALTIME_N": "localtime",
    "SVFOP_LOCALTIMESTAMP": "localtimestamp",
    "SVFOP_LOCALTIMESTAMP_N": "localtimestamp",
    "SVFOP_CURRENT_ROLE": "current_role",
    "SVFOP_CURRENT_USER": "current_user",
    "SVFOP_USER": "user",
    "SVFOP_SESSION_USER": "session_user",
    "SVFOP_CURRENT_CATALOG": "current_catalog",
    "SVFOP_CURRENT_SCHEMA": "current_schema",
}


# ------------------------------------------------------------------------------ the skeleton
@dataclass(slots=True)
class ColumnUse:
    """`c`, `t.c` or `s.t.c`; `ordering`: in ORDER BY/GROUP BY/DISTINCT ON, where an output
    column's name is valid too; `in_values`: in an `INSERT ... VALUES` row, which does not
    see the target table's columns."""

    parts: tuple[str, ...]
    span: Span
    ordering: bool = False
    in_values: bool = False


@dataclass(slots=True)
class Call:
    """A function called in FROM: its name and where it is written."""

    schema: str | None
    name: str
    span: Span


@dataclass(slots=True)
class CallUse:
    """A call of a name that is not a built-in function: how many arguments it passes (None:
    `VARIADIC arr`, which fits any count) and where the name is written."""

    schema: str | None
    name: str
    args: int | None
    span: Span


@dataclass(slots=True)
class RelationUse:
    """A relation named outside FROM: `nextval('seq')`, `'t'::regclass`, TRUNCATE, LOCK."""

    schema: str | None
    name: str
    span: Span


@dataclass(slots=True)
class TargetColumn:
    """A column a statement writes or names in its target (INSERT (c), SET c = ...,
    ON CONFLICT (c), UPDATE OF c): it must exist in the relation of `items[item]`."""

    item: int
    name: str
    span: Span


@dataclass(slots=True)
class Created:
    """A relation a body creates (CREATE TABLE, CREATE TEMP TABLE, SELECT INTO ...)."""

    name: str


@dataclass(frozen=True, slots=True)
class Called:
    """`auth.uid()`: a call without arguments of a schema-qualified function, as one side of
    a comparison (SK123 types the Supabase platform's)."""

    schema: str
    name: str


# one side of a comparison whose type may be certain (SK123): a column's or variable's name
# parts (`t.c`, `v`), a type name (a cast's target, a numeric or boolean constant), a call
Operand = tuple[str, ...] | str | Called


@dataclass(slots=True)
class Comparison:
    """`a = b` (or `<>`, `<`, `<=`, `>`, `>=`) whose two sides may have certain types; the
    binding types them and reports a pair PostgreSQL has no operator for (SK123)."""

    op: str
    left: Operand
    right: Operand
    span: Span


@dataclass(slots=True)
class Assignment:
    """`SET c = v`, `INSERT (c) VALUES (v)`: a value written into column `name` of the
    relation of `items[item]`, whose type may be certain (SK123)."""

    item: int
    name: str
    value: Operand
    span: Span


Use = ColumnUse | RelationUse | TargetColumn | Created | CallUse | Comparison | Assignment


@dataclass(slots=True)
class Item:
    """A FROM item: a relation (or CTE), a sub-select, a function; `name` is how the query
    refers to it (its alias, else the relation's or function's name)."""

    name: str | None
    span: Span
    schema: str | None = None
    relation: str | None = None
    query: Scope | None = None
    call: Call | None = None
    colnames: tuple[str, ...] = ()  # AS x(a, b): renames its first columns
    coldefs: tuple[tuple[str, str], ...] | None = None  # AS x(a int, b text): exactly these
    ordinality: bool = False
    opaque: bool = False  # columns sqlkit cannot know (XMLTABLE, ROWS FROM, ...)
    hidden: bool = False  # inside an aliased join: checked, but not referable by name
    check: bool = True  # report the relation when it does not exist


# one output column of a query: its name, or for `*` / `t.*` the qualifier (`()`, `("t",)`)
Output = str | tuple[str, ...]


@dataclass(slots=True)
class Scope:
    """One query level: its FROM items, what it uses, the queries below it (they see this
    level's items), its CTEs, and its outputs (None: not a query with outputs)."""

    items: list[Item] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    children: list[Scope] = field(default_factory=list)
    ctes: dict[str, tuple[Scope, tuple[str, ...]]] | None = None
    outputs: list[Output] | None = None
    arms: list[Scope] | None = None  # UNION/INTERSECT/EXCEPT: outputs are the first arm's


@dataclass(slots=True)
class PlpgsqlContext:
    """What a PL/pgSQL body declares: its variables' names (parameters and `ALIAS FOR` ones
    included), record variables with the type written in DECLARE, block and loop labels,
    and the `rec.field` references of the whole body (read from its text)."""

    variables: frozenset[str]
    records: dict[str, str]
    labels: frozenset[str]
    fields: list[tuple[str, str, Span]]
    # a variable's type, for names every declaration of which gives the same scalar type
    types: dict[str, str] = field(default_factory=dict)
    # names PL/pgSQL substitutes in every statement of the body: the parameters (OUT and
    # RETURNS TABLE ones too) and the top block's variables; empty under
    # `#variable_conflict use_column|use_variable`
    conflicting: frozenset[str] = frozenset()


# ----------------------------------------------------------------------------- the builder
class Builder:
    """Builds scopes from one piece of SQL (a statement, or an expression in a SELECT)."""

    __slots__ = ("builtin_functions", "locate", "source")

    def __init__(self, source: Source, locate: Locate) -> None:
        self.source = source
        self.locate = locate
        self.builtin_functions = builtins().functions

    def span(self, location: Any, length: int) -> Span:
        start = self.locate(location if isinstance(location, int) and location >= 0 else 0)
        return self.source.span(start, start + max(length, 1))

    # -- statements --------------------------------------------------------------------
    def statement(self, kind: str, node: Node) -> Scope | None:
        if kind == "SelectStmt":
            return self.select(node)
        if kind == "InsertStmt":
            return self.insert(node)
        if kind == "UpdateStmt":
            return self.update(node)
        if kind == "DeleteStmt":
            return self.delete(node)
        if kind == "MergeStmt":
            return self.merge(node)
        scope = Scope()
        if kind == "CallStmt":
            call = node.get("funccall") or {}
            if call:
                self.call(call, scope)
        elif kind in ("TruncateStmt", "LockStmt"):
            for rel in node.get("relations") or ():
                rv = rel.get("RangeVar") or {}
                if "relname" in rv and rv.get("relpersistence") != "t":
                    self.relation_use(rv, scope)
        elif kind == "CreateStmt":
            scope.uses.append(Created((node.get("relation") or {}).get("relname", "")))
        elif kind == "CreateTableAsStmt":
            scope.uses.append(Created((node.get("into") or {}).get("rel", {}).get("relname", "")))
        elif kind == "ViewStmt":
            scope.uses.append(Created((node.get("view") or {}).get("relname", "")))
        elif kind == "CreateSeqStmt":
            scope.uses.append(Created((node.get("sequence") or {}).get("relname", "")))
        elif kind == "DeclareCursorStmt" or kind == "ExplainStmt":
            query = node.get("query") or {}
            for inner_kind, inner in query.items():
                inner_scope = self.statement(inner_kind, inner)
                if inner_scope is not None:
                    scope.children.append(inner_scope)
        else:
            return None
        return scope

    def with_clause(self, node: Node, scope: Scope) -> None:
        ctes = (node.get("withClause") or {}).get("ctes") or ()
        if not ctes:
            return
        found: dict[str, tuple[Scope, tuple[str, ...]]] = {}
        for item in ctes:
            cte = item.get("CommonTableExpr") or {}
            query = cte.get("ctequery") or {}
            for kind, inner in query.items():
                built = self.statement(kind, inner)
                if built is not None:
                    found[cte.get("ctename", "")] = (
                        built,
                        tuple(strings(cte.get("aliascolnames"))),
                    )
        scope.ctes = found

    def select(self, node: Node) -> Scope:
        scope = Scope()
        self.with_clause(node, scope)
        op = node.get("op", "SETOP_NONE")
        if op != "SETOP_NONE":
            scope.arms = [self.select(node.get("larg") or {}), self.select(node.get("rarg") or {})]
            for sort in node.get("sortClause") or ():
                self.expr((sort.get("SortBy") or {}).get("node"), scope, ordering=True)
            self.expr(node.get("limitCount"), scope)
            self.expr(node.get("limitOffset"), scope)
            return scope
        values = node.get("valuesLists")
        if values:
            rows = [v.get("List", {}).get("items") or [] for v in values]
            scope.outputs = [f"column{i + 1}" for i in range(len(rows[0]))]
            for row in rows:
                for value in row:
                    self.expr(value, scope)
            return scope
        for item in node.get("fromClause") or ():
            self.from_item(item, scope)
        outputs: list[Output] = []
        for target in node.get("targetList") or ():
            res = target.get("ResTarget") or {}
            val = res.get("val")
            if isinstance(val, dict) and "ColumnRef" in val:
                fields = val["ColumnRef"].get("fields") or []
                if fields and "A_Star" in fields[-1]:
                    outputs.append(tuple(strings(fields[:-1])))
                    continue
            name = res.get("name") or output_name(val)
            outputs.append(name)
            self.expr(val, scope)
        scope.outputs = outputs
        self.expr(node.get("whereClause"), scope)
        self.expr(node.get("havingClause"), scope)
        for group in node.get("groupClause") or ():
            self.expr(group, scope, ordering=True)
        for sort in node.get("sortClause") or ():
            self.expr((sort.get("SortBy") or {}).get("node"), scope, ordering=True)
        for distinct in node.get("distinctClause") or ():
            if distinct:
                self.expr(distinct, scope, ordering=True)
        for window in node.get("windowClause") or ():
            self.window(window.get("WindowDef") or {}, scope)
        self.expr(node.get("limitCount"), scope)
        self.expr(node.get("limitOffset"), scope)
        into = node.get("intoClause")
        if into:
            scope.uses.append(Created((into.get("rel") or {}).get("relname", "")))
        return scope

    def window(self, window: Node, scope: Scope) -> None:
        for part in window.get("partitionClause") or ():
            self.expr(part, scope)
        for sort in window.get("orderClause") or ():
            self.expr((sort.get("SortBy") or {}).get("node"), scope)

    def target_item(self, rv: Node, scope: Scope) -> int:
        alias = (rv.get("alias") or {}).get("aliasname")
        name = rv.get("relname", "")
        scope.items.append(
            Item(
                alias or name,
                self.span(rv.get("location"), _written_length(rv)),
                rv.get("schemaname"),
                name,
            )
        )
        return len(scope.items) - 1

    def returning(self, node: Node, scope: Scope) -> None:
        clause = node.get("returningClause") or {}
        for target in clause.get("exprs") or node.get("returningList") or ():
            val = (target.get("ResTarget") or {}).get("val")
            if isinstance(val, dict) and "ColumnRef" in val:
                fields = val["ColumnRef"].get("fields") or []
                if fields and "A_Star" in fields[-1]:
                    continue
            self.expr(val, scope)
        outputs: list[Output] = []
        for target in clause.get("exprs") or node.get("returningList") or ():
            res = target.get("ResTarget") or {}
            val = res.get("val")
            if isinstance(val, dict) and "ColumnRef" in val:
                fields = val["ColumnRef"].get("fields") or []
                if fields and "A_Star" in fields[-1]:
                    outputs.append(tuple(strings(fields[:-1])))
                    continue
            outputs.append(res.get("name") or output_name(val))
        scope.outputs = outputs

    def insert(self, node: Node) -> Scope:
        scope = Scope()
        self.with_clause(node, scope)
        rv = node.get("relation") or {}
        target = self.target_item(rv, scope)
        for col in node.get("cols") or ():
            res = col.get("ResTarget") or {}
            name = res.get("name", "")
            scope.uses.append(TargetColumn(target, name, self.span(res.get("location"), len(name))))
        select = (node.get("selectStmt") or {}).get("SelectStmt")
        if select is not None:
            rows = [v.get("List", {}).get("items") or [] for v in select.get("valuesLists") or ()]
            if rows and not select.get("withClause"):
                first = len(scope.uses)
                for row in rows:
                    self.expr(row, scope)
                for use in scope.uses[first:]:
                    if use.__class__ is ColumnUse:
                        use.in_values = True
                self.assignments(node.get("cols") or (), rows, scope, target)
            else:
                scope.children.append(self.select(select))
        conflict = node.get("onConflictClause")
        if conflict:
            infer = conflict.get("infer") or {}
            for elem in infer.get("indexElems") or ():
                index_elem = elem.get("IndexElem") or {}
                if "name" in index_elem:
                    name = index_elem["name"]
                    scope.uses.append(
                        TargetColumn(
                            target, name, self.span(infer.get("location"), len("on conflict"))
                        )
                    )
                else:
                    self.expr(index_elem.get("expr"), scope)
            self.expr(infer.get("whereClause"), scope)
            excluded = Item("excluded", scope.items[target].span, rv.get("schemaname"))
            excluded.relation, excluded.check = rv.get("relname", ""), False
            scope.items.append(excluded)
            self.set_list(conflict.get("targetList"), scope, target)
            self.expr(conflict.get("whereClause"), scope)
        self.returning(node, scope)
        return scope

    def set_list(self, targets: list[Node] | None, scope: Scope, target: int) -> None:
        for item in targets or ():
            res = item.get("ResTarget") or {}
            name = res.get("name", "")
            if name:
                scope.uses.append(
                    TargetColumn(target, name, self.span(res.get("location"), len(name)))
                )
            val = res.get("val")
            if isinstance(val, dict) and "MultiAssignRef" in val:
                if val["MultiAssignRef"].get("colno") == 1:
                    self.expr(val["MultiAssignRef"].get("source"), scope)
                continue
            self.expr(val, scope)
            if name and not res.get("indirection"):
                value = _operand(val)
                if value is not None:
                    span = self.span(res.get("location"), len(name))
                    scope.uses.append(Assignment(target, name, value, span))

    def assignments(self, cols: Any, rows: list[list[Node]], scope: Scope, target: int) -> None:
        """INSERT (c, ...) VALUES (v, ...): each value whose type may be certain (SK123)."""
        names = [col.get("ResTarget") or {} for col in cols]
        if not names or any(res.get("indirection") for res in names):
            return
        for row in rows:
            if len(row) != len(names):
                continue
            for res, value in zip(names, row, strict=True):
                operand = _operand(value)
                if operand is not None:
                    name = res.get("name", "")
                    span = self.span(res.get("location"), len(name))
                    scope.uses.append(Assignment(target, name, operand, span))

    def update(self, node: Node) -> Scope:
        scope = Scope()
        self.with_clause(node, scope)
        target = self.target_item(node.get("relation") or {}, scope)
        for item in node.get("fromClause") or ():
            self.from_item(item, scope)
        self.set_list(node.get("targetList"), scope, target)
        self.expr(node.get("whereClause"), scope)
        self.returning(node, scope)
        return scope

    def delete(self, node: Node) -> Scope:
        scope = Scope()
        self.with_clause(node, scope)
        self.target_item(node.get("relation") or {}, scope)
        for item in node.get("usingClause") or ():
            self.from_item(item, scope)
        self.expr(node.get("whereClause"), scope)
        self.returning(node, scope)
        return scope

    def merge(self, node: Node) -> Scope:
        scope = Scope()
        self.with_clause(node, scope)
        target = self.target_item(node.get("relation") or {}, scope)
        source = node.get("sourceRelation")
        if source:
            self.from_item(source, scope)
        self.expr(node.get("joinCondition"), scope)
        for clause in node.get("mergeWhenClauses") or ():
            when = clause.get("MergeWhenClause") or {}
            self.expr(when.get("condition"), scope)
            if when.get("commandType") == "CMD_INSERT":
                for res in when.get("targetList") or ():
                    name = (res.get("ResTarget") or {}).get("name", "")
                    location = (res.get("ResTarget") or {}).get("location")
                    scope.uses.append(TargetColumn(target, name, self.span(location, len(name))))
                for value in when.get("values") or ():
                    self.expr(value, scope)
            else:
                self.set_list(when.get("targetList"), scope, target)
        self.returning(node, scope)
        return scope

    # -- FROM ----------------------------------------------------------------------------
    def from_item(self, node: Node, scope: Scope, hidden: bool = False) -> None:
        if "RangeVar" in node:
            rv = node["RangeVar"]
            alias = rv.get("alias") or {}
            name = rv.get("relname", "")
            scope.items.append(
                Item(
                    alias.get("aliasname") or name,
                    self.span(rv.get("location"), _written_length(rv)),
                    rv.get("schemaname"),
                    name,
                    colnames=tuple(strings(alias.get("colnames"))),
                    hidden=hidden,
                )
            )
        elif "JoinExpr" in node:
            join = node["JoinExpr"]
            alias = (join.get("alias") or {}).get("aliasname")
            inner = hidden or bool(alias)
            self.from_item(join.get("larg") or {}, scope, inner)
            self.from_item(join.get("rarg") or {}, scope, inner)
            if alias:
                scope.items.append(Item(alias, _NOWHERE, opaque=True, hidden=hidden))
            self.expr(join.get("quals"), scope)
        elif "RangeSubselect" in node:
            sub = node["RangeSubselect"]
            alias = sub.get("alias") or {}
            query = (sub.get("subquery") or {}).get("SelectStmt") or {}
            scope.items.append(
                Item(
                    alias.get("aliasname"),
                    _NOWHERE,
                    query=self.select(query),
                    colnames=tuple(strings(alias.get("colnames"))),
                    hidden=hidden,
                )
            )
        elif "RangeFunction" in node:
            rf = node["RangeFunction"]
            alias = rf.get("alias") or {}
            functions = rf.get("functions") or []
            calls: list[Call] = []
            coldefs = None
            for entry in functions:
                pair = entry.get("List", {}).get("items") or []
                if pair and isinstance(pair[0], dict) and "FuncCall" in pair[0]:
                    calls.append(self.call(pair[0]["FuncCall"], scope))
                elif pair:
                    self.expr(pair[0], scope)
                if len(pair) > 1 and pair[1]:
                    coldefs = _coldefs(pair[1])
            if rf.get("coldeflist"):
                coldefs = _coldefs(rf["coldeflist"])
            single = len(functions) == 1 and len(calls) == 1 and not rf.get("is_rowsfrom")
            scope.items.append(
                Item(
                    alias.get("aliasname") or (calls[0].name if single else None),
                    calls[0].span if calls else _NOWHERE,
                    call=calls[0] if single else None,
                    colnames=tuple(strings(alias.get("colnames"))),
                    coldefs=coldefs,
                    ordinality=bool(rf.get("ordinality")),
                    opaque=not single,
                    hidden=hidden,
                )
            )
        elif "RangeTableSample" in node:
            self.from_item(node["RangeTableSample"].get("relation") or {}, scope, hidden)
        else:  # XMLTABLE, JSON_TABLE: columns of their own
            other: Any = next(iter(node.values()), {}) if len(node) == 1 else {}
            alias = (other.get("alias") or {}) if isinstance(other, dict) else {}
            scope.items.append(Item(alias.get("aliasname"), _NOWHERE, opaque=True, hidden=hidden))
            self.expr(other, scope)

    # -- expressions ---------------------------------------------------------------------
    def relation_use(self, rv: Node, scope: Scope) -> None:
        name = rv.get("relname", "")
        scope.uses.append(
            RelationUse(
                rv.get("schemaname"),
                name,
                self.span(rv.get("location"), _written_length(rv)),
            )
        )

    def call(self, node: Node, scope: Scope) -> Call:
        """What a call's arguments use (and `nextval('seq')`'s sequence); the call itself."""
        parts = strings(node.get("funcname"))
        schema, name = split_name(parts)
        args = node.get("args") or []
        call = Call(schema, name, self.span(node.get("location"), len(".".join(parts))))
        # a built-in's name is never judged (SK122): one set lookup for most calls
        if not (schema in (None, "pg_catalog") and name in self.builtin_functions):
            count = None if node.get("func_variadic") else len(args)
            scope.uses.append(CallUse(schema, name, count, call.span))
        if name in _SEQUENCE_FUNCTIONS and args and schema in (None, "pg_catalog"):
            value = const_value(args[0])
            if isinstance(value, str):
                self.regclass(value, args[0], scope)
        for arg in args:
            self.expr(arg, scope)
        for sort in node.get("agg_order") or ():
            self.expr((sort.get("SortBy") or {}).get("node"), scope)
        self.expr(node.get("agg_filter"), scope)
        over = node.get("over")
        if over:
            self.window(over, scope)
        return call

    def regclass(self, text: str, node: Node, scope: Scope) -> None:
        parts = identifier_parts(text)
        if parts is None or not 1 <= len(parts) <= 2:
            return
        schema, name = split_name(parts)
        location = _location(node)
        scope.uses.append(RelationUse(schema, name, self.span(location, len(text) + 2)))

    def expr(self, node: Any, scope: Scope, ordering: bool = False) -> None:
        """Record what an expression uses; sub-selects become child scopes."""
        if node is None:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            if current.__class__ is list:
                stack.extend(current)
                continue
            if current.__class__ is not dict:
                continue
            if len(current) != 1:
                stack.extend(v for v in current.values() if v.__class__ in (dict, list))
                continue
            ((kind, inner),) = current.items()
            if inner.__class__ is not dict:
                if inner.__class__ is list:
                    stack.extend(inner)
                continue
            if kind == "ColumnRef":
                fields = inner.get("fields") or []
                if fields and "A_Star" not in fields[-1]:
                    parts = tuple(strings(fields))
                    if len(parts) == len(fields):
                        scope.uses.append(
                            ColumnUse(
                                parts,
                                self.span(inner.get("location"), len(".".join(parts))),
                                ordering,
                            )
                        )
            elif kind == "FuncCall":
                self.call(inner, scope)
            elif kind == "SubLink":
                stack.append(inner.get("testexpr"))
                sub = (inner.get("subselect") or {}).get("SelectStmt")
                if sub is not None:
                    scope.children.append(self.select(sub))
            elif kind == "A_Expr":
                if inner.get("kind") == "AEXPR_OP":
                    self.comparison(inner, scope)
                stack.append(inner.get("lexpr"))
                stack.append(inner.get("rexpr"))
            elif kind == "TypeCast":
                arg = inner.get("arg")
                if type_name(inner.get("typeName")) == "regclass":
                    value = const_value(arg)
                    if isinstance(value, str) and isinstance(arg, dict):
                        self.regclass(value, arg, scope)
                stack.append(arg)
            elif kind in ("A_Const", "ParamRef", "SQLValueFunction", "SetToDefault"):
                continue
            else:
                stack.extend(v for v in inner.values() if v.__class__ in (dict, list))

    def comparison(self, node: Node, scope: Scope) -> None:
        """Keep `a op b` for SK123 when op is a comparison written without a schema and both
        sides are of a shape that may have a certain type."""
        name: list[Node] = node.get("name") or []
        if len(name) != 1:
            return
        op = name[0].get("String", {}).get("sval")
        if op not in _COMPARISONS:
            return
        left = _operand(node.get("lexpr"))
        if left is None:
            return
        right = _operand(node.get("rexpr"))
        if right is None:
            return
        scope.uses.append(Comparison(op, left, right, self.span(node.get("location"), len(op))))


_NOWHERE: Span = (0, 0, 0, 0)
_COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">="})
_CONSTANT_TYPES = {"ival": "int4", "boolval": "bool"}


def _operand(node: Any) -> Operand | None:
    """A comparison's side as SK123 may type it: a column or variable (its name parts), a
    cast (its type) or an integer or boolean constant; None for anything else (a string
    literal's type is unknown and PostgreSQL makes it fit, NULL fits anything)."""
    if node.__class__ is not dict or len(node) != 1:
        return None
    ((kind, inner),) = node.items()
    if kind == "ColumnRef":
        fields = inner.get("fields") or []
        parts = tuple(strings(fields))
        return parts if 1 <= len(parts) <= 2 and len(parts) == len(fields) else None
    if kind == "TypeCast":
        type_node = inner.get("typeName") or {}
        return None if type_node.get("arrayBounds") else type_name(type_node)
    if kind == "FuncCall":
        names = strings(inner.get("funcname"))
        plain = not (inner.get("args") or inner.get("agg_star") or inner.get("over"))
        return Called(names[0], names[1]) if len(names) == 2 and plain else None
    if kind == "SubLink":  # `(select auth.uid())`: one value, nothing else
        select = (inner.get("subselect") or {}).get("SelectStmt") or {}
        targets = select.get("targetList") or []
        if inner.get("subLinkType") != "EXPR_SUBLINK" or len(targets) != 1 or len(select) > 3:
            return None  # (targetList, limitOption, op are all a bare SELECT has)
        return _operand((targets[0].get("ResTarget") or {}).get("val"))
    if kind == "A_Const":
        for key, typ in _CONSTANT_TYPES.items():
            if key in inner:
                return typ
        value = (inner.get("fval") or {}).get("fval", "")
        # a decimal is numeric; an integer too big for int4 may be int8 or numeric
        if "." in value or "e" in value.lower():
            return "numeric"
    return None


def _written_length(rv: Node) -> int:
    """How long `schema.name` is as written (quotes aside)."""
    schema = rv.get("schemaname")
    name = rv.get("relname", "")
    return len(name) + (len(schema) + 1 if schema else 0)


def _location(node: Any) -> int:
    if not isinstance(node, dict) or len(node) != 1:
        return 0
    ((_, inner),) = node.items()
    if isinstance(inner, dict):
        location = inner.get("location")
        if isinstance(location, int):
            return location
        arg = inner.get("arg")
        if arg is not None:
            return _location(arg)
    return 0


def _coldefs(items: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items or ():
        col = item.get("ColumnDef") if isinstance(item, dict) else None
        if col:
            out.append((col.get("colname", ""), type_name(col.get("typeName"))))
    return tuple(out)


def output_name(val: Any) -> str:
    """The name PostgreSQL gives an output column written without AS (FigureColname)."""
    if not isinstance(val, dict) or len(val) != 1:
        return "?column?"
    ((kind, inner),) = val.items()
    if not isinstance(inner, dict):
        return "?column?"
    if kind == "ColumnRef":
        fields = strings(inner.get("fields"))
        return fields[-1] if fields else "?column?"
    if kind == "FuncCall":
        names = strings(inner.get("funcname"))
        return names[-1] if names else "?column?"
    if kind == "A_Indirection":
        for item in reversed(inner.get("indirection") or ()):
            if isinstance(item, dict) and "String" in item:
                return str(item["String"].get("sval", "?column?"))
        return output_name(inner.get("arg"))
    if kind in ("TypeCast", "CollateClause"):
        name = output_name(inner.get("arg"))
        if name == "?column?" and kind == "TypeCast":
            names = strings((inner.get("typeName") or {}).get("names"))
            return names[-1] if names else name
        return name
    if kind == "SubLink":
        link = inner.get("subLinkType")
        if link == "EXISTS_SUBLINK":
            return "exists"
        if link == "ARRAY_SUBLINK":
            return "array"
        if link == "EXPR_SUBLINK":
            targets = (inner.get("subselect") or {}).get("SelectStmt", {}).get("targetList") or []
            if len(targets) == 1:
                res = targets[0].get("ResTarget") or {}
                return str(res.get("name") or output_name(res.get("val")))
        return "?column?"
    if kind == "MinMaxExpr":
        return "greatest" if inner.get("op") == "IS_GREATEST" else "least"
    if kind == "SQLValueFunction":
        return _SVF_NAMES.get(inner.get("op", ""), "?column?")
    return _EXPR_NAMES.get(kind, "?column?")


_IDENTIFIER = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([A-Za-z_\x80-\uffff][\w$\x80-\uffff]*))\s*')


def identifier_parts(text: str) -> list[str] | None:
    """`public."T"` as PostgreSQL reads a qualified name in a string: unquoted parts lowered,
    quoted ones as written; None when the text is not a qualified name."""
    parts: list[str] = []
    position = 0
    while True:
        match = _IDENTIFIER.match(text, position)
        if match is None:
            return None
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain.lower())
        position = match.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return None
        position += 1


def build_scope(tree: Node, source: Source, locate: Locate) -> Scope | None:
    """The scope of one parsed statement (`{kind: node}`); None for statements that name
    nothing worth resolving."""
    if len(tree) != 1:
        return None
    ((kind, node),) = tree.items()
    if not isinstance(node, dict):
        return None
    scope = Builder(source, locate).statement(kind, node)
    return scope if scope is not None and _names_relations(scope) else None


_NAMES_NOTHING = (ColumnUse, Comparison)  # without a FROM item, nothing to resolve them against


def _names_relations(scope: Scope) -> bool:
    """Does the SQL name a relation anywhere? Without one there is nothing to resolve (a
    PL/pgSQL expression over variables), and the scope is not kept."""
    if scope.items or any(use.__class__ not in _NAMES_NOTHING for use in scope.uses):
        return True
    nested = [*scope.children, *(scope.arms or ()), *(s for s, _ in (scope.ctes or {}).values())]
    return any(_names_relations(inner) for inner in nested)


def build_expression(expr: Any, source: Source, locate: Locate) -> Scope:
    """The scope of an expression outside any query (a policy's USING, a default, a check,
    a trigger's WHEN): what it uses, with no FROM items of its own."""
    scope = Scope()
    Builder(source, locate).expr(expr, scope)
    return scope


# ----------------------------------------------------------------------------- PL/pgSQL
# string literals, dollar-quoted strings (to their closing tag, or the end), comments
_LITERALS = re.compile(
    r"'(?:[^']|'')*'|\$([A-Za-z_]\w*|)\$.*?(?:\$\1\$|\Z)|--[^\n]*|/\*.*?(?:\*/|\Z)", re.DOTALL
)
_NOT_NEWLINE = re.compile(r"[^\n]")
EMPTY: frozenset[str] = frozenset()
_LABEL = re.compile(r'<<\s*([A-Za-z_][\w$]*|"[^"]+")\s*>>')
_ALIAS = re.compile(r'([A-Za-z_][\w$]*|"[^"]+")\s+alias\s+for\b', re.IGNORECASE)
_FIELD = re.compile(r'\b([A-Za-z_][\w$]*|"[^"]+")\s*\.\s*([A-Za-z_][\w$]*|"[^"]+")')


def _record_fields(body: str, names: set[str]) -> list[tuple[str, str, int]]:
    """(record, field, body offset) for every `rec.field` outside strings and comments."""
    if not names:
        return []
    lowered = body.lower()
    if not any(name in lowered for name in names):
        return []
    # blank out string literals, dollar-quoted strings and comments (same length)
    text = _LITERALS.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), body)
    out: list[tuple[str, str, int]] = []
    for match in _FIELD.finditer(text):
        record = _ident(match.group(1))
        if record not in names:
            continue
        if match.start() > 0 and text[match.start() - 1] == ".":
            continue  # a.rec.field: rec is a column or label-qualified, not the variable
        out.append((record, _ident(match.group(2)), match.start()))
    return out


def _ident(text: str) -> str:
    return text[1:-1] if text.startswith('"') else text.lower()


def plpgsql_context(
    function: Node,
    var_types: dict[str, str],
    rec_types: dict[str, str],
    body: str,
    body_offset: int,
    source: Source,
    is_trigger: bool,
) -> PlpgsqlContext:
    """What a PL/pgSQL body declares, for resolving its references (see PlpgsqlContext)."""
    variables = {
        node["refname"]
        for datum in function.get("datums") or ()
        for node in datum.values()
        if node.get("refname")
    }
    # `name ALIAS FOR $1`: the parser shows only $1
    lowered = body.lower()
    if "alias" in lowered:
        variables.update(_ident(match.group(1)) for match in _ALIAS.finditer(body))
    records: dict[str, str] = {}
    for name, typ in var_types.items():
        if typ.lower().endswith("%rowtype"):
            records[name] = typ[: -len("%rowtype")]
    records.update(rec_types)
    labels = frozenset(_ident(m.group(1)) for m in _LABEL.finditer(body)) if "<<" in body else EMPTY
    wanted = set(records)
    if is_trigger:
        wanted |= {"new", "old"}
    fields = [
        (
            record,
            name,
            source.span(body_offset + at, body_offset + at + len(record) + 1 + len(name)),
        )
        for record, name, at in _record_fields(body, wanted)
    ]
    return PlpgsqlContext(
        frozenset(variables),
        records,
        labels,
        fields,
        _variable_types(function),
        _conflicting(function, lowered),
    )


_CONFLICT_DIRECTIVE = re.compile(r"#\s*variable_conflict\s+use_(?:column|variable)\b")


def _conflicting(function: Node, lowered: str) -> frozenset[str]:
    """Names that clash with a column of the same name in any statement of the body: the
    parameters (datums without a line) and the variables DECLAREd before the top block's
    BEGIN (those of inner blocks are in scope only there). `found` is left out."""
    if "variable_conflict" in lowered and _CONFLICT_DIRECTIVE.search(lowered):
        return EMPTY
    begin = (function.get("action") or {}).get("PLpgSQL_stmt_block", {}).get("lineno")
    names = set()
    for datum in function.get("datums") or ():
        var = datum.get("PLpgSQL_var") or datum.get("PLpgSQL_rec")
        if var is None or not var.get("refname") or var["refname"] == "found":
            continue
        line = var.get("lineno")
        if line is None or (begin is not None and line < begin):
            names.add(var["refname"])
    return frozenset(names)


def _variable_types(function: Node) -> dict[str, str]:
    """name -> type of the variables (parameters and loop variables included) that have one
    type wherever they are declared; a name also declared as a record or row, or with two
    types in different blocks, has none."""
    types: dict[str, str] = {}
    mixed: set[str] = set()
    for datum in function.get("datums") or ():
        for kind, node in datum.items():
            name = node.get("refname")
            if not name:
                continue
            typ = (node.get("datatype") or {}).get("PLpgSQL_type", {}).get("typname")
            if kind != "PLpgSQL_var" or not typ or types.setdefault(name, typ) != typ:
                mixed.add(name)
    for name in mixed:
        types.pop(name, None)
    return types
