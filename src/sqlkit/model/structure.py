"""Table structure from parse trees: columns, constraints and index keys as events carry them.

Extraction (`sqlkit.model.extract`) calls these for CREATE TABLE, ALTER TABLE and CREATE
INDEX; they read only the statement, never the model. Expressions are kept as parse trees
(compared with `sqlkit.sql.tree.canonical`, printed with `deparse` when a message needs them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlkit.data import builtins
from sqlkit.model.events import ColumnSpec, ConstraintSpec, IndexKey
from sqlkit.sql.source import Source, Span
from sqlkit.sql.tree import Node, canonical, def_elems, strings, type_name, walk

Locate = Callable[[int], int]  # a parser location -> file offset

_FK_ACTIONS = {
    "a": "no action",
    "r": "restrict",
    "c": "cascade",
    "n": "set null",
    "d": "set default",
}
_SERIAL = {"serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8"}
_SERIAL |= {"smallserial": "int2", "serial2": "int2"}
# where the type of a column definition ends when no constraint position tells
_TYPE_TAIL = re.compile(r"\s+(?:compression|storage)\b", re.IGNORECASE)


_PLAIN_TYPE = re.compile(r"[\w$ \t\r\n.]*")


def written_type(text: str, start: int, stop: int) -> str:
    """The type of a column as written, from its first character up to `stop` (the next
    clause's position), a top-level `,` or `)`, or a comment; whitespace collapsed."""
    plain = _PLAIN_TYPE.match(text, start, stop)
    end = plain.end() if plain is not None else start
    if end >= stop or text[end] in ",);":  # no brackets, quotes or comments: the usual case
        plain_text = text[start:end].strip()
        return (
            plain_text
            if "  " not in plain_text and "\n" not in plain_text
            else " ".join(plain_text.split())
        )
    depth = 0
    i = start
    end = min(stop, len(text))
    while i < end:
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                break
            depth -= 1
        elif (ch == "," and depth == 0) or ch == ";":
            break
        elif ch == '"':
            close = text.find('"', i + 1)
            i = end if close == -1 else close
        elif (ch == "-" and text.startswith("--", i)) or (ch == "/" and text.startswith("/*", i)):
            break
        i += 1
    written = text[start:i]
    tail = _TYPE_TAIL.search(written)
    if tail is not None:
        written = written[: tail.start()]
    return " ".join(written.split())


def calls_volatile(expr: Node | None) -> bool:
    """Does an expression call a volatile function (`random()`, `gen_random_uuid()`,
    `nextval()`), or a function that is not built in (Postgres creates functions VOLATILE
    unless told otherwise, and extraction cannot see their declarations)?"""
    if expr is None:
        return False
    known = builtins()
    for kind, node in walk(expr):
        if kind == "FuncCall":
            names = strings(node.get("funcname"))
            if not names:
                continue
            if len(names) > 1 and names[0] != "pg_catalog":
                return True
            name = names[-1]
            if name not in known.functions or name in known.volatile_functions:
                return True
        elif kind == "SubLink":
            return True
    return False


def _nextval() -> Node:
    """The default a serial column gets: nextval() of its sequence (the name does not matter)."""
    return {
        "FuncCall": {
            "funcname": [{"String": {"sval": "nextval"}}],
            "args": [{"A_Const": {"sval": {"sval": "serial"}}}],
        }
    }


def column_spec(
    node: Node, source: Source, locate: Locate, stop: int
) -> tuple[ColumnSpec, list[ConstraintSpec]]:
    """A ColumnDef as a column and the constraints written on it (PRIMARY KEY, REFERENCES, ...).
    Runs for every column of every CREATE TABLE: one pass over its clauses."""
    name = node.get("colname", "")
    type_node = node.get("typeName") or {}
    normalised = type_name(type_node)
    not_null = False
    default = node.get("raw_default")
    identity = generated = None
    constraints: list[ConstraintSpec] = []
    # the type ends where the first clause after it starts (a constraint, COLLATE), else at
    # the `,` or `)` that ends the column (written_type finds those)
    clause = node["collClause"].get("location", -1) if "collClause" in node else -1
    for item in node.get("constraints") or ():
        con = item.get("Constraint")
        if con is None:
            continue
        at = con.get("location", -1)
        if at >= 0 and (clause < 0 or at < clause):
            clause = at
        contype = con.get("contype")
        if contype == "CONSTR_NOTNULL":
            not_null = True
        elif contype == "CONSTR_NULL":
            not_null = False
        elif contype == "CONSTR_DEFAULT":
            default = con.get("raw_expr")
        elif contype == "CONSTR_IDENTITY":
            identity = "always" if con.get("generated_when") == "a" else "by default"
            not_null = True
        elif contype == "CONSTR_GENERATED":
            generated = "virtual" if con.get("generated_kind") == "v" else "stored"
        else:
            spec = constraint_spec(con, source, locate, column=name)
            if spec is not None:
                constraints.append(spec)
                not_null = not_null or spec.kind == "primary"
    type_start = locate(int(type_node.get("location") or node.get("location") or 0))
    written = written_type(source.parse_text, type_start, locate(clause) if clause >= 0 else stop)
    if normalised in _SERIAL and not type_node.get("arrayBounds"):
        normalised, not_null = _SERIAL[normalised], True
        if default is None:
            default = _nextval()
    column = ColumnSpec(
        name, written or normalised, normalised, not_null, default, generated, identity
    )
    return column, constraints


def constraint_spec(
    node: Node, source: Source, locate: Locate, *, column: str | None = None
) -> ConstraintSpec | None:
    """A Constraint node (table element, column constraint or ADD CONSTRAINT) as a spec;
    None for the kinds that are properties of a column (DEFAULT, NULL, ...)."""
    contype = node.get("contype")
    span: Span = source.span(locate(node.get("location", 0)))
    name = node.get("conname")
    own = (column,) if column is not None else ()
    not_valid = bool(node.get("skip_validation"))
    if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        return ConstraintSpec(
            kind="primary" if contype == "CONSTR_PRIMARY" else "unique",
            name=name,
            columns=tuple(strings(node.get("keys"))) or own,
            span=span,
            include=tuple(strings(node.get("including"))),
            nulls_not_distinct=bool(node.get("nulls_not_distinct")),
            using_index=node.get("indexname"),
        )
    if contype == "CONSTR_FOREIGN":
        ref = node.get("pktable") or {}
        return ConstraintSpec(
            kind="foreign",
            name=name,
            columns=tuple(strings(node.get("fk_attrs"))) or own,
            span=span,
            ref_schema=ref.get("schemaname"),
            ref_table=ref.get("relname", ""),
            ref_columns=tuple(strings(node.get("pk_attrs"))),
            on_delete=_FK_ACTIONS.get(node.get("fk_del_action", "a"), "no action"),
            on_update=_FK_ACTIONS.get(node.get("fk_upd_action", "a"), "no action"),
            not_valid=not_valid,
        )
    if contype == "CONSTR_CHECK":
        return ConstraintSpec(
            kind="check",
            name=name,
            columns=own,
            span=span,
            not_valid=not_valid,
            expression=node.get("raw_expr"),
        )
    if contype == "CONSTR_EXCLUSION":
        keys: list[IndexKey] = []
        for pair in node.get("exclusions") or ():
            items = pair.get("List", {}).get("items") or []
            if items and "IndexElem" in items[0]:
                keys.append(index_key(items[0]["IndexElem"]))
        return ConstraintSpec(
            kind="exclude",
            name=name,
            columns=tuple(k.column for k in keys if k.column is not None),
            span=span,
            method=node.get("access_method") or "gist",
            keys=tuple(keys),
        )
    if contype == "CONSTR_NOTNULL" and column is None:  # PG 18: a table-level NOT NULL a
        return ConstraintSpec(
            kind="not_null", name=name, columns=tuple(strings(node.get("keys"))), span=span
        )
    return None


def index_key(elem: Node) -> IndexKey:
    opclass = strings(elem["opclass"]) if "opclass" in elem else None
    collation = strings(elem["collation"]) if "collation" in elem else None
    nulls = elem.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
    return IndexKey(
        elem.get("name"),
        elem.get("expr"),
        opclass[-1] if opclass else None,
        collation[-1] if collation else None,
        elem.get("ordering") == "SORTBY_DESC",
        None if nulls == "SORTBY_NULLS_DEFAULT" else nulls == "SORTBY_NULLS_FIRST",
    )


def index_options(items: list[Node] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for opt in def_elems(items):
        arg = opt.get("arg") or {}
        value = ""
        for kind in ("String", "Integer", "Float", "Boolean"):
            if kind in arg:
                inner = arg[kind]
                value = str(next(iter(inner.values()), "")) if inner else ""
        out.append((opt.get("defname", ""), value.lower()))
    return tuple(sorted(out))


def table_columns(
    elements: list[Node], source: Source, locate: Locate, stop: int
) -> tuple[list[ColumnSpec], list[ConstraintSpec], list[tuple[str | None, str, int, int]]]:
    """The columns, constraints and LIKE clauses (with how many columns precede each) of a
    CREATE TABLE's element list."""
    columns: list[ColumnSpec] = []
    constraints: list[ConstraintSpec] = []
    like: list[tuple[str | None, str, int, int]] = []
    for element in elements:
        if "ColumnDef" in element:
            column, own = column_spec(element["ColumnDef"], source, locate, stop)
            columns.append(column)
            constraints.extend(own)
        elif "Constraint" in element:
            spec = constraint_spec(element["Constraint"], source, locate)
            if spec is not None:
                constraints.append(spec)
        elif "TableLikeClause" in element:
            clause = element["TableLikeClause"]
            rel = clause.get("relation", {})
            options = clause.get("options", 0)
            like.append((rel.get("schemaname"), rel.get("relname", ""), options, len(columns)))
    return columns, merge_index_constraints(constraints), like


def merge_index_constraints(specs: list[ConstraintSpec]) -> list[ConstraintSpec]:
    """Postgres builds one index for equal keys of one CREATE TABLE (`id uuid unique,
    primary key (id)`): the primary key first, then each PRIMARY KEY/UNIQUE/EXCLUDE that is
    not equal to one kept before (an unnamed kept one takes the dropped one's name).
    parse_utilcmd.c, transformIndexConstraints."""
    if len(specs) < 2:
        return specs
    indexed = [s for s in specs if s.kind in ("primary", "unique", "exclude")]
    if len(indexed) < 2:
        return specs
    primary = next((s for s in indexed if s.kind == "primary"), None)
    kept: list[ConstraintSpec] = [primary] if primary is not None else []
    dropped: set[int] = set()
    for spec in indexed:
        if spec is primary:
            continue
        twin = next((k for k in kept if _same_index(k, spec)), None)
        if twin is None:
            kept.append(spec)
            continue
        if twin.name is None:
            twin.name = spec.name
        dropped.add(id(spec))
    return [s for s in specs if id(s) not in dropped]


def _same_index(a: ConstraintSpec, b: ConstraintSpec) -> bool:
    def keys(spec: ConstraintSpec) -> object:
        if spec.keys:
            return [(k.column, canonical(k.expression), k.opclass, k.descending) for k in spec.keys]
        return list(spec.columns)

    return (
        keys(a) == keys(b)
        and a.include == b.include
        and (a.method if a.kind == "exclude" else "btree")
        == (b.method if b.kind == "exclude" else "btree")
        and a.nulls_not_distinct == b.nulls_not_distinct
    )


def proven_not_null(expression: Node | None) -> set[str]:
    """The columns a validated CHECK constraint proves NOT NULL, as PostgreSQL 12+ sees it
    before `SET NOT NULL` scans: a top-level `AND` part `col IS NOT NULL`. (A CHECK passes
    when it is NULL, so `col > 0` proves nothing: PostgreSQL scans.)"""
    if expression is None:
        return set()
    found: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        boolean = node.get("BoolExpr")
        if boolean is not None and boolean.get("boolop") == "AND_EXPR":
            stack.extend(boolean.get("args") or ())
            continue
        test = node.get("NullTest")
        if test is None or test.get("nulltesttype") != "IS_NOT_NULL" or test.get("argisrow"):
            continue
        names = strings((test.get("arg") or {}).get("ColumnRef", {}).get("fields"))
        if names:
            found.add(names[-1])
    return found
