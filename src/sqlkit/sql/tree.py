"""Helpers over pglast's JSON parse trees: walking, names, constants and types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Node = dict[str, Any]


class Packed:
    """A parse tree kept as its compact JSON until someone reads it. As Python dicts a policy's
    USING takes about 6 KB, as JSON about a fifth of that; the model keeps one for every policy
    of a project and reads few (what rules need is worked out where the statement is parsed),
    and the lint cache stores and loads them as bytes."""

    __slots__ = ("json",)

    def __init__(self, node: Node) -> None:
        from sqlkit.sql.fastjson import dumps

        self.json = dumps(node)

    def tree(self) -> Node:
        from sqlkit.sql.fastjson import loads

        tree: Node = loads(self.json)
        return tree

    def __getstate__(self) -> bytes:
        return self.json

    def __setstate__(self, state: bytes) -> None:
        self.json = state


def pack(node: Node | None) -> Packed | None:
    return None if node is None else Packed(node)


def unpack(packed: Packed | None) -> Node | None:
    return None if packed is None else packed.tree()


# Fields whose value is a bare (unwrapped) node of a known type.
_BARE_FIELDS = {
    "relation": "RangeVar",
    "typeName": "TypeName",
    "returnType": "TypeName",
    "argType": "TypeName",
    "view": "RangeVar",
    "table": "RangeVar",
    "into": "IntoClause",
    "rel": "RangeVar",
}

TYPE_ALIASES = {
    "int": "int4",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "boolean": "bool",
    "decimal": "numeric",
    "character varying": "varchar",
    "character": "bpchar",
    "char": "bpchar",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
}


# Leaf node types: nothing below them is a typed node worth visiting.
_LEAVES = frozenset(
    {
        "String",
        "A_Const",
        "ColumnRef",
        "ParamRef",
        "A_Star",
        "Integer",
        "Float",
        "Boolean",
        "BitString",
        "SQLValueFunction",
        "SetToDefault",
    }
)


def walk(node: Any) -> Iterator[tuple[str, Node]]:
    """Yield (node type, node) for every typed node below `node`, parents first."""
    stack: list[tuple[str, Any]] = [("", node)]
    pop = stack.pop
    push = stack.append
    leaves = _LEAVES
    while stack:
        field, value = pop()
        if value.__class__ is list:
            for item in reversed(value):
                push((field, item))
            continue
        if value.__class__ is not dict:
            continue
        if len(value) == 1:
            ((key, inner),) = value.items()
            if inner.__class__ is dict and key[:1].isupper():
                yield key, inner
                if key in leaves:
                    continue
                for k, v in inner.items():
                    if v.__class__ is dict or v.__class__ is list:
                        push((k, v))
                continue
        bare = _BARE_FIELDS.get(field)
        if bare is not None:
            yield bare, value
        for k, v in value.items():
            if v.__class__ is dict or v.__class__ is list:
                push((k, v))


def strings(items: list[Any] | None) -> list[str]:
    """The `sval`s of a list of String nodes (a qualified name)."""
    out: list[str] = []
    for item in items or ():
        if isinstance(item, dict):
            inner = item.get("String")
            if inner is not None:
                out.append(inner.get("sval", ""))
    return out


def split_name(parts: list[str]) -> tuple[str | None, str]:
    """(schema, name) of a qualified name; catalog-qualified names keep their last two parts."""
    if not parts:
        return None, ""
    if len(parts) == 1:
        return None, parts[0]
    return parts[-2], parts[-1]


def const_value(node: Any) -> str | int | float | bool | None:
    """The Python value of an A_Const (wrapped or bare), or None."""
    if not isinstance(node, dict):
        return None
    inner = node.get("A_Const", node)
    if "sval" in inner:
        return str(inner["sval"].get("sval", ""))
    if "ival" in inner:
        return int(inner["ival"].get("ival", 0))
    if "fval" in inner:
        return str(inner["fval"].get("fval", ""))
    if "boolval" in inner:
        return bool(inner["boolval"].get("boolval", False))
    return None


def type_name(node: Node | None) -> str:
    """Normalised type of a TypeName node: `int4`, `text[]`, `public.my_type`."""
    if not node:
        return ""
    names = strings(node.get("names"))
    if names and names[0] == "pg_catalog" and len(names) == 2:
        names = names[1:]
    if len(names) == 1:
        base = TYPE_ALIASES.get(names[0].lower(), names[0])
        if base != names[0]:
            names = [base]
    out = ".".join(names)
    if node.get("pct_type"):
        out += "%type"
    bounds = node.get("arrayBounds")
    if bounds:
        out += "[]" * len(bounds)
    if node.get("setof"):
        out = "setof " + out
    return out


def role_names(items: list[Any] | None) -> list[str]:
    """Role names of a list of RoleSpec nodes; PUBLIC is `public`."""
    out: list[str] = []
    for item in items or ():
        spec = item.get("RoleSpec", item) if isinstance(item, dict) else {}
        kind = spec.get("roletype")
        if kind == "ROLESPEC_PUBLIC":
            out.append("public")
        elif kind == "ROLESPEC_CSTRING":
            out.append(spec.get("rolename", ""))
        elif kind == "ROLESPEC_CURRENT_USER" or kind == "ROLESPEC_CURRENT_ROLE":
            out.append("current_user")
        elif kind == "ROLESPEC_SESSION_USER":
            out.append("session_user")
    return out


def def_elems(items: list[Any] | None) -> Iterator[Node]:
    for item in items or ():
        if isinstance(item, dict) and "DefElem" in item:
            yield item["DefElem"]


# ------------------------------------------------------------- expressions as values
def strip_locations(node: Any) -> Any:
    """A copy of a parse tree without `location` fields: two spellings of one expression
    (other whitespace, other line) compare equal."""
    if node.__class__ is dict:
        return {k: strip_locations(v) for k, v in node.items() if k != "location"}
    if node.__class__ is list:
        return [strip_locations(v) for v in node]
    return node


def canonical(node: Any) -> str:
    """A comparable text of a parse tree: the same expression gives the same text however
    it was written (locations left out, keys sorted)."""
    import json

    return json.dumps(strip_locations(node), sort_keys=True, separators=(",", ":"))


def column_refs(node: Any) -> set[str]:
    """Names of the columns an expression reads (the last part of each ColumnRef)."""
    out: set[str] = set()
    for kind, sub in walk(node):
        if kind == "ColumnRef":
            names = strings(sub.get("fields"))
            if names:
                out.add(names[-1])
    return out


def rename_column_refs(node: Any, old: str, new: str) -> Any:
    """A copy of a parse tree whose references to column `old` name `new` instead."""
    if node.__class__ is list:
        return [rename_column_refs(v, old, new) for v in node]
    if node.__class__ is not dict:
        return node
    ref = node.get("ColumnRef")
    if ref is not None and len(node) == 1:
        fields = list(ref.get("fields") or ())
        if fields and fields[-1].get("String", {}).get("sval") == old:
            fields[-1] = {"String": {"sval": new}}
            return {"ColumnRef": {**ref, "fields": fields}}
        return node
    return {k: rename_column_refs(v, old, new) for k, v in node.items()}


def deparse(node: Any) -> str:
    """SQL text of an expression's parse tree (pglast's printer; for messages, not hot paths)."""
    from pglast import ast
    from pglast.stream import RawStream

    values = {"sval": "String", "ival": "Integer", "fval": "Float", "boolval": "Boolean"}
    values["bsval"] = "BitString"

    def to_ast(value: Any) -> Any:
        if value.__class__ is dict:
            if len(value) == 1:
                ((key, inner),) = value.items()
                if key == "A_Const" and inner.__class__ is dict:  # JSON puts the value inline
                    for field, kind in values.items():
                        if field in inner:
                            return ast.A_Const(val=getattr(ast, kind)(**inner[field]))
                    return ast.A_Const(isnull=bool(inner.get("isnull")))
                if inner.__class__ is dict and key[:1].isupper() and hasattr(ast, key):
                    return getattr(ast, key)(**{k: to_ast(v) for k, v in inner.items()})
            return {k: to_ast(v) for k, v in value.items()}
        if value.__class__ is list:
            return tuple(to_ast(v) for v in value)
        return value

    try:
        return str(RawStream()(to_ast(node)))
    except Exception:  # an expression the printer does not know: its canonical form
        return canonical(node)
