"""What policy expressions do: auth calls outside a scalar sub-select, constant true, user metadata."""

from __future__ import annotations

import json
from typing import Any

from sqlkit.sql.tree import Node, const_value, strings, walk

AUTH_CALLS = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
COMMANDS = ("select", "insert", "update", "delete")


def per_row_calls(node: Any) -> list[str]:
    """Auth/setting calls evaluated once per row of the policy's table."""
    return [call for call, scope in auth_calls(node) if scope is None]


def auth_calls(node: Any) -> list[tuple[str, str | None]]:
    """Auth/setting calls that are not evaluated once per statement, with where they run:
    None for once per row of the policy's table, else the relations of the sub-select
    whose rows they run for.

    A call in the target list or FROM of an *uncorrelated* sub-select (any kind: scalar,
    IN, EXISTS, ANY) runs once, as an init plan or a hashed sub-plan; in its WHERE it runs
    once per row of the sub-select's own relations, never per row of the table.
    """
    found: list[tuple[str, str | None]] = []

    def visit(value: Any, scope: str | None, once: bool) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item, scope, once)
            return
        if not isinstance(value, dict):
            return
        if "SubLink" in value:
            sub = value["SubLink"]
            visit(sub.get("testexpr"), scope, once)
            select = sub.get("subselect", {}).get("SelectStmt")
            if select is None:
                visit(sub.get("subselect"), scope, once)
            elif _correlated(select):
                visit(select, scope, once)  # re-run for every outer row
            else:
                inner = ", ".join(_relations(select)) or None
                for key, part in select.items():
                    if key in ("targetList", "fromClause") or inner is None:
                        visit(part, scope, True)
                    else:
                        visit(part, inner, once)
            return
        if "FuncCall" in value:
            call = value["FuncCall"]
            parts = strings(call.get("funcname"))
            key = (parts[-2] if len(parts) > 1 else None, parts[-1] if parts else "")
            if not once and (key in AUTH_CALLS or key[1] == "current_setting"):
                found.append((".".join(p for p in key if p) + "()", scope))
            visit(call.get("args"), scope, once)
            return
        for item in value.values():
            if isinstance(item, (dict, list)):
                visit(item, scope, once)

    visit(node, None, False)
    return list(dict.fromkeys(found))


def _relations(select: Node) -> list[str]:
    """Relations a sub-select reads (its FROM, joins included)."""
    out = []
    for kind, node in walk(select.get("fromClause") or []):
        if kind == "RangeVar" and node.get("relname"):
            schema = node.get("schemaname")
            out.append(f"{schema}.{node['relname']}" if schema else node["relname"])
    return out


def _correlated(select: Node) -> bool:
    """Does a sub-select refer to the outer row? A column qualified by a name its FROM
    items (or nested ones) do not define does; an unqualified column does only when the
    sub-select has no FROM (with one, it is taken as the sub-select's own column)."""
    names: set[str] = set()
    for kind, node in walk(select):
        if kind in ("RangeVar", "RangeFunction", "RangeSubselect"):
            alias = (node.get("alias") or {}).get("aliasname") or node.get("relname")
            if alias:
                names.add(alias)
    has_from = bool(select.get("fromClause"))
    for kind, node in walk(select):
        if kind != "ColumnRef":
            continue
        fields = strings(node.get("fields"))
        if not fields:
            continue  # a bare *
        if len(fields) == 1:
            if not has_from:
                return True
        elif fields[-2] not in names:
            return True
    return False


def is_true(node: Any) -> bool:
    return isinstance(node, dict) and "A_Const" in node and const_value(node) is True


def mentions_user_metadata(node: Any) -> bool:
    if node is None:
        return False
    text = json.dumps(node)
    return '"user_metadata"' in text or '"raw_user_meta_data"' in text


def commands_of(command: str) -> tuple[str, ...]:
    return COMMANDS if command == "all" else (command,)


def api_roles(roles: list[str], target: str) -> set[str]:
    """The roles a policy reaches: PUBLIC reaches the API roles too."""
    out = set(roles)
    if "public" in out and target == "supabase":
        out |= {"anon", "authenticated"}
    return out
