"""Shared by the policy rules: constant true, commands, the roles a policy reaches.

What a policy's expressions say is worked out where they are parsed: `sqlkit.sql.policy`.
"""

from __future__ import annotations

from typing import Any

from sqlkit.sql.tree import const_value

COMMANDS = ("select", "insert", "update", "delete")


def is_true(node: Any) -> bool:
    return isinstance(node, dict) and "A_Const" in node and const_value(node) is True


def commands_of(command: str) -> tuple[str, ...]:
    return COMMANDS if command == "all" else (command,)


def api_roles(roles: list[str], target: str) -> set[str]:
    """The roles a policy reaches: PUBLIC reaches the API roles too."""
    out = set(roles)
    if "public" in out and target == "supabase":
        out |= {"anon", "authenticated"}
    return out
