"""Statements PostgreSQL refuses inside a transaction block: ONE list, for apply (which refuses
such a file unless it says `-- sqlkit: no-transaction`) and for lint (SK404 says so first)."""

from __future__ import annotations

from sqlkit.sql.tree import Node, def_elems

# statement kinds that never run in a transaction block (PreventInTransactionBlock)
_ALWAYS = {
    "VacuumStmt": "VACUUM",
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "AlterSystemStmt": "ALTER SYSTEM",
    "CreateTableSpaceStmt": "CREATE TABLESPACE",
    "DropTableSpaceStmt": "DROP TABLESPACE",
    "CreateSubscriptionStmt": "CREATE SUBSCRIPTION",
}

# the kinds `refused_in_transaction` reads a parse tree of
KINDS = frozenset({*_ALWAYS, "IndexStmt", "DropStmt", "ReindexStmt", "AlterTableStmt"})


def refused_in_transaction(kind: str | None, node: Node | None) -> str | None:
    """What a statement is, when PostgreSQL refuses to run it inside a transaction block
    (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...); None for every other statement."""
    if kind is None or node is None:
        return None
    if kind == "VacuumStmt":
        return "VACUUM" if node.get("is_vacuumcmd") else None  # a bare ANALYZE is fine
    what = _ALWAYS.get(kind)
    if what is not None:
        return what
    if kind == "IndexStmt" and node.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY"
    if kind == "DropStmt" and node.get("concurrent"):
        return "DROP INDEX CONCURRENTLY"
    if kind == "ReindexStmt" and is_concurrent_reindex(node):
        return "REINDEX CONCURRENTLY"
    if kind == "AlterTableStmt":
        for cmd in node.get("cmds") or ():
            sub = cmd.get("AlterTableCmd", {})
            if sub.get("subtype") == "AT_DetachPartition":
                partition = sub.get("def", {}).get("PartitionCmd", {})
                if partition.get("concurrent"):
                    return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY"
    return None


def is_concurrent_reindex(node: Node) -> bool:
    """REINDEX (CONCURRENTLY) / REINDEX ... CONCURRENTLY: the option is a DefElem."""
    for option in def_elems(node.get("params")):
        if option.get("defname") == "concurrently":
            arg = option.get("arg")
            return arg is None or "false" not in str(arg).lower()
    return False
