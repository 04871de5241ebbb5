"""Which lock each statement takes on which table, and the session settings that bound the
wait: the facts the migration-safety rules (SK4xx) judge.

One table (`LOCKS`) maps a statement kind to the `LockRelation` events it means, after
PostgreSQL's table-level lock modes (docs: Explicit Locking; ALTER TABLE's notes). The
modes were read from `pg_locks` in PostgreSQL 18 (tests/integration/test_migration_safety.py
checks them). Only locks on tables are kept: a view's, a sequence's or a materialized
view's lock blocks no writer of the application's tables. (A view's renames are kept, as
relation "view": they break the clients that read it.)
"""

from __future__ import annotations

from collections.abc import Callable

from sqlkit.model.events import Event, LockRelation, Origin, RefusedInTransaction, SetSetting
from sqlkit.sql.transaction import KINDS as TRANSACTION_KINDS
from sqlkit.sql.transaction import is_concurrent_reindex, refused_in_transaction
from sqlkit.sql.tree import Node, const_value, def_elems, split_name, strings

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
EXCLUSIVE = "EXCLUSIVE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE = "SHARE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
ROW_SHARE = "ROW SHARE"
ACCESS_SHARE = "ACCESS SHARE"
# weakest first; LOCK's `mode` is the position (1-based), as in PostgreSQL's lockdefs.h
MODES = (
    ACCESS_SHARE,
    ROW_SHARE,
    ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    EXCLUSIVE,
    ACCESS_EXCLUSIVE,
)
BLOCKS_WRITES = frozenset(MODES[4:])  # SHARE and up conflict with INSERT/UPDATE/DELETE
BLOCKS_READS = frozenset({ACCESS_EXCLUSIVE})  # conflicts with SELECT

# the settings that bound a migration's waits and decide what a statement costs
SESSION_SETTINGS = frozenset({"lock_timeout", "timezone"})

# ALTER TABLE subcommands weaker than ACCESS EXCLUSIVE (PostgreSQL's AlterTableGetLockLevel)
_ALTER_MODES = {
    "AT_SetStatistics": SHARE_UPDATE_EXCLUSIVE,
    "AT_SetOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_SetRelOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetRelOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ClusterOn": SHARE_UPDATE_EXCLUSIVE,
    "AT_DropCluster": SHARE_UPDATE_EXCLUSIVE,
    "AT_ValidateConstraint": SHARE_UPDATE_EXCLUSIVE,
    "AT_AttachPartition": SHARE_UPDATE_EXCLUSIVE,
    "AT_DetachPartitionFinalize": SHARE_UPDATE_EXCLUSIVE,
    "AT_EnableTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableAlwaysTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableReplicaTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigAll": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigUser": SHARE_ROW_EXCLUSIVE,
    "AT_DisableTrig": SHARE_ROW_EXCLUSIVE,
    "AT_DisableTrigAll": SHARE_ROW_EXCLUSIVE,
    "AT_DisableTrigUser": SHARE_ROW_EXCLUSIVE,
}
_REWRITING_SUBCOMMANDS = {"AT_SetLogged": "SET LOGGED", "AT_SetUnLogged": "SET UNLOGGED"}


def stronger(a: str, b: str) -> str:
    return a if MODES.index(a) >= MODES.index(b) else b


def _rel(node: Node | None) -> tuple[str | None, str]:
    node = node or {}
    return node.get("schemaname"), node.get("relname", "")


def _alter_table(node: Node, origin: Origin) -> list[Event]:
    if node.get("objtype") != "OBJECT_TABLE":
        return []  # views, materialized views, indexes, sequences, foreign tables
    schema, name = _rel(node.get("relation"))
    if_exists = bool(node.get("missing_ok"))
    mode = SHARE_UPDATE_EXCLUSIVE
    out: list[Event] = []
    for item in node.get("cmds") or ():
        cmd = item.get("AlterTableCmd", {})
        sub = cmd.get("subtype", "")
        step = _ALTER_MODES.get(sub, ACCESS_EXCLUSIVE)
        definition = cmd.get("def") or {}
        if sub == "AT_AddConstraint":
            if definition.get("Constraint", {}).get("contype") == "CONSTR_FOREIGN":
                step = SHARE_ROW_EXCLUSIVE
        elif sub == "AT_DetachPartition" and definition.get("PartitionCmd", {}).get("concurrent"):
            step = SHARE_UPDATE_EXCLUSIVE
        elif sub in _REWRITING_SUBCOMMANDS:
            out.append(
                LockRelation(
                    origin,
                    schema,
                    name,
                    ACCESS_EXCLUSIVE,
                    _REWRITING_SUBCOMMANDS[sub],
                    "table",
                    if_exists=if_exists,
                )
            )
        mode = stronger(mode, step)
    return [LockRelation(origin, schema, name, mode, "ALTER TABLE", if_exists=if_exists), *out]


def _create_index(node: Node, origin: Origin) -> list[Event]:
    schema, name = _rel(node.get("relation"))
    concurrently = bool(node.get("concurrent"))
    mode = SHARE_UPDATE_EXCLUSIVE if concurrently else SHARE
    index = node.get("idxname") if node.get("if_not_exists") else None
    return [
        LockRelation(
            origin, schema, name, mode, "CREATE INDEX", concurrently=concurrently, index=index
        )
    ]


def _drop(node: Node, origin: Origin) -> list[Event]:
    remove = node.get("removeType")
    missing_ok = bool(node.get("missing_ok"))
    names = [strings(obj.get("List", {}).get("items")) for obj in node.get("objects") or ()]
    out: list[Event] = []
    if remove == "OBJECT_TABLE":
        for parts in names:
            schema, name = split_name(parts)
            out.append(
                LockRelation(
                    origin, schema, name, ACCESS_EXCLUSIVE, "DROP TABLE", if_exists=missing_ok
                )
            )
    elif remove == "OBJECT_INDEX":
        concurrently = bool(node.get("concurrent"))
        mode = SHARE_UPDATE_EXCLUSIVE if concurrently else ACCESS_EXCLUSIVE
        for parts in names:
            schema, name = split_name(parts)
            out.append(
                LockRelation(
                    origin, schema, name, mode, "DROP INDEX", "index", concurrently, missing_ok
                )
            )
    elif remove in ("OBJECT_TRIGGER", "OBJECT_POLICY"):
        operation = "DROP TRIGGER" if remove == "OBJECT_TRIGGER" else "DROP POLICY"
        for parts in names:
            if len(parts) >= 2:
                schema, name = split_name(parts[:-1])
                out.append(LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, operation))
    return out


def _policy(operation: str) -> Callable[[Node, Origin], list[Event]]:
    def locks(node: Node, origin: Origin) -> list[Event]:
        schema, name = _rel(node.get("table"))
        return [LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, operation)]

    return locks


def _create_trigger(node: Node, origin: Origin) -> list[Event]:
    schema, name = _rel(node.get("relation"))
    return [LockRelation(origin, schema, name, SHARE_ROW_EXCLUSIVE, "CREATE TRIGGER")]


_RENAMES = {
    "OBJECT_VIEW": ("RENAME VIEW", "view", ACCESS_EXCLUSIVE),
    "OBJECT_TABLE": ("RENAME TABLE", "table", ACCESS_EXCLUSIVE),
    "OBJECT_COLUMN": ("RENAME COLUMN", "table", ACCESS_EXCLUSIVE),
    "OBJECT_TABCONSTRAINT": ("RENAME CONSTRAINT", "table", ACCESS_EXCLUSIVE),
    "OBJECT_INDEX": ("RENAME INDEX", "index", SHARE_UPDATE_EXCLUSIVE),
}


def _rename(node: Node, origin: Origin) -> list[Event]:
    found = _RENAMES.get(node.get("renameType", ""))
    if node.get("renameType") == "OBJECT_COLUMN" and node.get("relationType") == "OBJECT_VIEW":
        found = ("RENAME VIEW COLUMN", "view", ACCESS_EXCLUSIVE)  # clients of the API break
    elif found is None or (
        node.get("renameType") == "OBJECT_COLUMN" and node.get("relationType") != "OBJECT_TABLE"
    ):
        return []
    operation, relation, mode = found
    schema, name = _rel(node.get("relation"))
    if_exists = bool(node.get("missing_ok"))
    return [LockRelation(origin, schema, name, mode, operation, relation, if_exists=if_exists)]


def _set_schema(node: Node, origin: Origin) -> list[Event]:
    if node.get("objectType") != "OBJECT_TABLE":
        return []
    schema, name = _rel(node.get("relation"))
    missing_ok = bool(node.get("missing_ok"))
    return [
        LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, "SET SCHEMA", if_exists=missing_ok)
    ]


def _truncate(node: Node, origin: Origin) -> list[Event]:
    out: list[Event] = []
    for item in node.get("relations") or ():
        schema, name = _rel(item.get("RangeVar"))
        out.append(LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, "TRUNCATE"))
    return out


def _lock(node: Node, origin: Origin) -> list[Event]:
    number = int(node.get("mode") or 8)
    mode = MODES[number - 1] if 1 <= number <= len(MODES) else ACCESS_EXCLUSIVE
    out: list[Event] = []
    for item in node.get("relations") or ():
        schema, name = _rel(item.get("RangeVar"))
        out.append(LockRelation(origin, schema, name, mode, "LOCK"))
    return out


def _vacuum(node: Node, origin: Origin) -> list[Event]:
    if not node.get("is_vacuumcmd"):
        return []
    full = any(
        option.get("defname") == "full" and "false" not in str(option.get("arg", "")).lower()
        for option in def_elems(node.get("options"))
    )
    if not full:
        return []  # a plain VACUUM takes SHARE UPDATE EXCLUSIVE: readers and writers go on
    rels = [item.get("VacuumRelation", {}).get("relation") for item in node.get("rels") or ()]
    if not rels:
        return [LockRelation(origin, None, "", ACCESS_EXCLUSIVE, "VACUUM FULL", "database")]
    out: list[Event] = []
    for rel in rels:
        schema, name = _rel(rel)
        out.append(LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, "VACUUM FULL"))
    return out


def _cluster(node: Node, origin: Origin) -> list[Event]:
    if "relation" not in node:
        return [LockRelation(origin, None, "", ACCESS_EXCLUSIVE, "CLUSTER", "database")]
    schema, name = _rel(node.get("relation"))
    return [LockRelation(origin, schema, name, ACCESS_EXCLUSIVE, "CLUSTER")]


_REINDEX_RELATIONS = {
    "REINDEX_OBJECT_TABLE": "table",
    "REINDEX_OBJECT_INDEX": "index",
    "REINDEX_OBJECT_SCHEMA": "schema",
    "REINDEX_OBJECT_DATABASE": "database",
    "REINDEX_OBJECT_SYSTEM": "database",
}


def _reindex(node: Node, origin: Origin) -> list[Event]:
    """REINDEX takes SHARE on the table and ACCESS EXCLUSIVE on each index it rebuilds, which
    every query that plans on the table needs: it blocks readers too."""
    relation = _REINDEX_RELATIONS.get(node.get("kind", ""), "table")
    concurrently = is_concurrent_reindex(node)
    mode = SHARE_UPDATE_EXCLUSIVE if concurrently else ACCESS_EXCLUSIVE
    if relation in ("table", "index"):
        schema, name = _rel(node.get("relation"))
    elif relation == "schema":
        schema, name = node.get("name"), ""
    else:
        schema, name = None, ""
    return [LockRelation(origin, schema, name, mode, "REINDEX", relation, concurrently)]


Locks = Callable[[Node, Origin], list[Event]]

LOCKS: dict[str, Locks] = {
    "AlterTableStmt": _alter_table,
    "IndexStmt": _create_index,
    "DropStmt": _drop,
    "CreatePolicyStmt": _policy("CREATE POLICY"),
    "AlterPolicyStmt": _policy("ALTER POLICY"),
    "CreateTrigStmt": _create_trigger,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "TruncateStmt": _truncate,
    "LockStmt": _lock,
    "VacuumStmt": _vacuum,
    "ClusterStmt": _cluster,
    "ReindexStmt": _reindex,
}

# the statement kinds `lock_events` reads a parse tree of
KINDS = frozenset(LOCKS) | TRANSACTION_KINDS


def lock_events(kind: str, node: Node, origin: Origin) -> list[Event]:
    """The locks a statement takes, and whether PostgreSQL refuses it in a transaction."""
    locks = LOCKS.get(kind)
    events = locks(node, origin) if locks is not None else []
    refused = refused_in_transaction(kind, node) if kind in TRANSACTION_KINDS else None
    if refused is not None:
        events.append(RefusedInTransaction(origin, refused))
    return events


def session_setting(node: Node, origin: Origin) -> SetSetting | None:
    """`SET [LOCAL] lock_timeout|timezone ...`, `RESET ...`, `RESET ALL` as an event."""
    kind = node.get("kind")
    name = str(node.get("name") or "").lower()
    if kind == "VAR_RESET_ALL":
        return SetSetting(origin, "all", None)
    if name == "time zone":
        name = "timezone"  # SET TIME ZONE 'UTC'
    if name not in SESSION_SETTINGS:
        return None
    local = bool(node.get("is_local"))
    if kind != "VAR_SET_VALUE":  # RESET, SET ... TO DEFAULT, FROM CURRENT
        return SetSetting(origin, name, None, local)
    args = node.get("args") or []
    value = const_value(args[0]) if args else None
    if value is None and args:  # SET TIME ZONE LOCAL / an interval: keep it as text
        value = "local"
    return SetSetting(origin, name, None if value is None else str(value), local)
