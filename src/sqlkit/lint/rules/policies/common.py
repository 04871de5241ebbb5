"""What policy expressions do: auth calls outside a scalar sub-select, constant true, user metadata."""

from __future__ import annotations

import json
from typing import Any

from sqlkit.sql.tree import const_value, strings

AUTH_CALLS = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
COMMANDS = ("select", "insert", "update", "delete")


def per_row_calls(node: Any) -> list[str]:
    """Auth/setting calls evaluated once per row: not inside `(select ...)` without FROM."""
    found: list[str] = []

    def visit(value: Any, wrapped: bool) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item, wrapped)
            return
        if not isinstance(value, dict):
            return
        if "SubLink" in value:
            sub = value["SubLink"]
            select = sub.get("subselect", {}).get("SelectStmt", {})
            scalar = sub.get("subLinkType") == "EXPR_SUBLINK" and not select.get("fromClause")
            visit(sub.get("testexpr"), wrapped)
            visit(sub.get("subselect"), wrapped or scalar)
            return
        if "FuncCall" in value:
            call = value["FuncCall"]
            parts = strings(call.get("funcname"))
            key = (parts[-2] if len(parts) > 1 else None, parts[-1] if parts else "")
            if not wrapped and (key in AUTH_CALLS or key[1] == "current_setting"):
                found.append(".".join(p for p in key if p) + "()")
            visit(call.get("args"), wrapped)
            return
        for item in value.values():
            if isinstance(item, (dict, list)):
                visit(item, wrapped)

    visit(node, False)
    return list(dict.fromkeys(found))


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
