"""The names Postgres chooses for constraints and indexes written without one.

Mirrors `makeObjectName`, `ChooseConstraintName` and `ChooseIndexName` (PostgreSQL's
src/backend/commands/indexcmds.c and catalog/pg_constraint.c): `<table>_<columns>_<label>`,
cut to 63 bytes by shortening the longer part first, with a number appended to the label
when the name is taken. A later `DROP CONSTRAINT t_a_fkey` finds what `REFERENCES` made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlkit.sql.tree import Node, strings

NAMEDATALEN = 64


def _clip(text: str, size: int) -> str:
    """The longest prefix of `text` of at most `size` UTF-8 bytes (never half a character)."""
    data = text.encode("utf-8")
    if len(data) <= size:
        return text
    return data[:size].decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """`name1_name2_label`, shortened to fit NAMEDATALEN - 1 bytes."""
    name1_bytes = len(name1.encode("utf-8"))
    name2_bytes = len(name2.encode("utf-8")) if name2 else 0
    overhead = (1 if name2 else 0) + (len(label.encode("utf-8")) + 1 if label else 0)
    available = NAMEDATALEN - 1 - overhead
    while name1_bytes + name2_bytes > available:
        if name1_bytes > name2_bytes:
            name1_bytes -= 1
        else:
            name2_bytes -= 1
    out = _clip(name1, name1_bytes)
    if name2:
        out += "_" + _clip(name2, name2_bytes)
    if label:
        out += "_" + label
    return out


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """The first of `name1_name2_label`, `..._label1`, `..._label2`, ... that is not taken."""
    candidate = make_object_name(name1, name2, label)
    number = 0
    while taken(candidate):
        number += 1
        candidate = make_object_name(name1, name2, f"{label}{number}")
    return candidate


def key_name(column: str | None, expression: Node | None) -> str:
    """What an index key contributes to the index's name: the column, or the name Postgres
    figures for an expression (a function's name, a cast's type, else `expr`)."""
    if column is not None:
        return column
    node = expression or {}
    while "TypeCast" in node:
        inner = node["TypeCast"].get("arg") or {}
        if "ColumnRef" not in inner and "FuncCall" not in inner:
            names = strings(node["TypeCast"].get("typeName", {}).get("names"))
            return names[-1] if names else "expr"
        node = inner
    if "FuncCall" in node:
        names = strings(node["FuncCall"].get("funcname"))
        return names[-1] if names else "expr"
    if "ColumnRef" in node:
        names = strings(node["ColumnRef"].get("fields"))
        return names[-1] if names else "expr"
    return "expr"


def column_part(columns: Iterable[str | None]) -> str:
    """The `<columns>` part: names joined by `_` (`key_name` for index keys), as long as it
    stays under NAMEDATALEN."""
    out = ""
    used: dict[str, int] = {}
    for column in columns:
        name = column if column is not None else "expr"
        if name in used:  # ChooseIndexColumnNames numbers repeated names
            used[name] += 1
            name = f"{name}{used[name]}"
        else:
            used[name] = 0
        if out:
            out += "_"
        out += name
        if len(out.encode("utf-8")) >= NAMEDATALEN:
            break
    return out
