"""The statements that create, drop and change each kind of object, from snapshot objects.

`emit.py` orders them into a script that brings a database to git's state; `pull.py`
writes them as files. Every creation restores all the object compares: owner, exact
privileges (revoked from whoever default privileges would have granted to), comment.
"""

from __future__ import annotations

from sqlkit.live.reader import (
    ColumnRow,
    ConstraintRow,
    IndexRow,
    RelationRow,
    SequenceRow,
    sql_literal,
)
from sqlkit.live.snapshot import (
    DEFAULT,
    DEPLOYER,
    OWNED_BY,
    DbObject,
    Key,
    Snapshot,
    column_definition,
)

ENABLE_TRIGGER = {"O": "enable", "D": "disable", "R": "enable replica", "A": "enable always"}


# ------------------------------------------------------------------------ helpers
def literal_or_null(value: str | None) -> str:
    return sql_literal(value) if value else "null"


def word(obj: DbObject) -> str:
    """How ALTER ... OWNER TO, GRANT and COMMENT ON name the object's kind."""
    if obj.kind in ("enum", "composite"):
        return "type"
    if obj.kind == "view":
        return "materialized view" if obj.extra.get("materialized") else "view"
    return obj.kind


def owner_sql(obj: DbObject) -> list[str]:
    """ALTER ... OWNER TO the object's owner (the role running the script when it was the
    deployer's)."""
    target = "current_user" if obj.facts.get("owner") == DEPLOYER else obj.owner
    return [f"alter {word(obj)} {obj.ident} owner to {target};"]


def comment_sql(obj: DbObject) -> str:
    value = literal_or_null(obj.comment)
    if obj.kind in ("constraint", "trigger", "policy"):
        return f"comment on {obj.kind} {obj.local_name} on {obj.table} is {value};"
    if obj.kind == "column":
        return f"comment on column {obj.table}.{obj.local_name} is {value};"
    return f"comment on {word(obj)} {obj.ident} is {value};"


def _acl_word(obj: DbObject) -> str:
    if obj.kind in ("table", "view"):
        return "table"
    return word(obj)


def acl_reset_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Privileges reset to exactly the object's (a new object may have been given some by
    default privileges)."""
    on = f"{_acl_word(obj)} {obj.ident}"
    others = set(revoke_from) | set(obj.privileges)
    roles = ["public", *sorted(others - {obj.owner, "public"})]
    out = [f"revoke all on {on} from {', '.join(roles)};"]
    for privileges, grantees in _by_privileges(obj.privileges):
        out.append(f"grant {', '.join(sorted(privileges))} on {on} to {', '.join(grantees)};")
    return out


def _by_privileges(
    privileges: dict[str, frozenset[str]],
) -> list[tuple[frozenset[str], list[str]]]:
    """Roles that get the same privileges, together: one GRANT for anon and authenticated."""
    groups: dict[frozenset[str], list[str]] = {}
    for role, held in sorted(privileges.items()):
        groups.setdefault(held, []).append(role)
    return sorted(groups.items(), key=lambda item: item[1])


def grant_changes(
    on: str, want: dict[str, frozenset[str]], have: dict[str, frozenset[str]], columns: str = ""
) -> list[str]:
    """GRANT and REVOKE of exactly the privileges that differ, role by role."""
    revokes: dict[str, frozenset[str]] = {}
    grants: dict[str, frozenset[str]] = {}
    for role in sorted(set(want) | set(have)):
        wanted = want.get(role, frozenset())
        held = have.get(role, frozenset())
        if held - wanted:
            revokes[role] = held - wanted
        if wanted - held:
            grants[role] = wanted - held
    out = [
        f"revoke {_privs(privileges, columns)} on {on} from {', '.join(roles)};"
        for privileges, roles in _by_privileges(revokes)
    ]
    out += [
        f"grant {_privs(privileges, columns)} on {on} to {', '.join(roles)};"
        for privileges, roles in _by_privileges(grants)
    ]
    return out


def _privs(privileges: frozenset[str], columns: str) -> str:
    suffix = f" ({columns})" if columns else ""
    return ", ".join(f"{p}{suffix}" for p in sorted(privileges))


def routine_acl_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Reset EXECUTE to exactly the object's grantees (for a new or recreated routine)."""
    roles = ["public", *sorted(set(revoke_from) - {obj.owner, "public"})]
    out = [f"revoke all on {obj.kind} {obj.ident} from {', '.join(roles)};"]
    if obj.grantees:
        out.append(f"grant execute on {obj.kind} {obj.ident} to {', '.join(sorted(obj.grantees))};")
    return out


def _accessory_sql(obj: DbObject, revoke_from: frozenset[str] | None) -> list[str]:
    """Owner (when not the deployer), privileges reset (when given whom to revoke from),
    comment (when there is one)."""
    out: list[str] = []
    if obj.facts.get("owner", DEPLOYER) != DEPLOYER:
        out += owner_sql(obj)
    if revoke_from is not None:
        out += acl_reset_sql(obj, revoke_from)
    if obj.comment:
        out.append(comment_sql(obj))
    return out


# ----------------------------------------------------------------------- creation
def create_sql(obj: DbObject, side: Snapshot, *, in_new_table: bool = False) -> list[str]:
    """Statements that create `obj` where it does not exist, with everything compared.

    `side` is the database the statements run in (whose default privileges a new object
    gets); `in_new_table`: a constraint of a table created in the same script (no need for
    NOT VALID and VALIDATE there).
    """
    kind = obj.kind
    if kind == "schema":
        return [
            f"create schema if not exists {obj.ident};",
            *_accessory_sql(obj, frozenset()),
        ]
    if kind == "extension":
        return [obj.text.rstrip().replace("create extension", "create extension if not exists")]
    if kind in ("enum", "domain", "composite"):
        return [*obj.text.rstrip().splitlines(), *_accessory_sql(obj, None)]
    if kind == "sequence":
        return [obj.text.rstrip(), *_accessory_sql(obj, side.sequence_grantees)]
    if kind == "table":
        return table_create_sql(obj, side)
    if kind == "column":
        row: ColumnRow = obj.row
        out = [f"alter table {obj.table} add column {column_definition(row)};"]
        out += grant_changes(f"table {obj.table}", obj.privileges, {}, obj.local_name)
        if obj.comment:
            out.append(comment_sql(obj))
        return out
    if kind == "constraint":
        return constraint_create_sql(obj, in_new_table=in_new_table)
    if kind == "index":
        out = [index_definition(obj.row) + ";"]
        if obj.comment:
            out.append(comment_sql(obj))
        return out
    if kind == "view":
        out = [obj.text.rstrip().replace(" if not exists ", " ")]
        out += _accessory_sql(obj, side.relation_grantees)
        for column, comment in obj.extra.get("column_comments", {}).items():
            out.append(f"comment on column {obj.ident}.{column} is {sql_literal(comment)};")
        return out
    if kind in ("function", "procedure"):
        out = [obj.text.rstrip()]
        if obj.facts.get("owner") != DEPLOYER:
            out += owner_sql(obj)
        out += routine_acl_sql(obj, side.function_grantees)
        if obj.comment:
            out.append(comment_sql(obj))
        return out
    if kind == "trigger":
        out = [obj.text.rstrip()]
        if obj.extra["enabled"] != "O":
            verb = ENABLE_TRIGGER[obj.extra["enabled"]]
            out.append(f"alter table {obj.table} {verb} trigger {obj.local_name};")
        if obj.comment:
            out.append(comment_sql(obj))
        return out
    if kind == "policy":
        return [obj.text.rstrip(), *([comment_sql(obj)] if obj.comment else [])]
    if kind == "default privileges":
        revoke_from = side.relation_grantees | side.function_grantees | side.sequence_grantees
        return default_privileges_reset_sql(obj, revoke_from)
    raise ValueError(f"no creation for {kind}")  # pragma: no cover - every kind is above


def table_create_sql(obj: DbObject, side: Snapshot) -> list[str]:
    """CREATE TABLE with its columns, then its access rules, column privileges, comments."""
    row: RelationRow = obj.row
    out = [obj.text.rstrip()]
    out += table_access_sql(obj, side.relation_grantees)
    if obj.facts.get("replica identity") not in ("default", "index"):
        out.append(f"alter table {obj.ident} replica identity {obj.facts['replica identity']};")
    if obj.facts.get("owner") != DEPLOYER:
        out += owner_sql(obj)
    if obj.comment:
        out.append(comment_sql(obj))
    for column in obj.extra.get("columns", ()):
        out += grant_changes(f"table {row.name}", column.privileges, {}, column.local_name)
        if column.comment:
            out.append(comment_sql(column))
    return out


def table_access_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """A table's RLS flags and exact privileges (what `pull` writes for a table it does not
    create)."""
    out = []
    if obj.extra["rls"]:
        out.append(f"alter table {obj.ident} enable row level security;")
    if obj.extra["forced"]:
        out.append(f"alter table {obj.ident} force row level security;")
    return out + acl_reset_sql(obj, revoke_from)


def constraint_create_sql(obj: DbObject, *, in_new_table: bool = False) -> list[str]:
    row: ConstraintRow = obj.row
    add = f"alter table {obj.table} add constraint {obj.local_name} {row.definition}"
    if row.contype in ("c", "f") and not in_new_table:
        # checked without blocking writes, then validated: the lighter lock on a live table
        out = [f"{add} not valid;"]
        if row.validated:
            out.append(f"alter table {obj.table} validate constraint {obj.local_name};")
    elif row.contype in ("c", "f") and not row.validated:
        out = [f"{add} not valid;"]
    else:
        out = [f"{add};"]
    if obj.comment:
        out.append(comment_sql(obj))
    return out


def index_definition(row: IndexRow) -> str:
    # ON ONLY is how PostgreSQL prints a partitioned table's index; created anew, it should
    # reach the partitions too
    return row.definition.replace(" ON ONLY ", " ON ", 1)


def default_sql(column: DbObject) -> str:
    row: ColumnRow = column.row
    return f"alter table {column.table} alter column {column.local_name} set default {row.default};"


def owned_by_sql(sequence: DbObject) -> str:
    row: SequenceRow = sequence.row
    return f"alter sequence {sequence.ident} owned by {row.owned_by or 'none'};"


def _default_privileges_head(obj: DbObject) -> str:
    role = "" if obj.extra.get("deployer") else f" for role {obj.owner}"
    schema = obj.extra.get("schema")
    return f"alter default privileges{role}{f' in schema {schema}' if schema else ''}"


def default_privileges_reset_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Default privileges set to exactly the object's, whatever the database had (`pull`
    does not know what the database it is applied to grants by default)."""
    head = _default_privileges_head(obj)
    objects = obj.extra["objects"]
    roles = ["public", *sorted((set(revoke_from) | set(obj.privileges)) - {"public", obj.owner})]
    out = [f"{head} revoke all on {objects} from {', '.join(roles)};"]
    for privileges, roles in _by_privileges(obj.privileges):
        out.append(
            f"{head} grant {', '.join(sorted(privileges))} on {objects} to {', '.join(roles)};"
        )
    return out


def default_privileges_sql(want: DbObject, have: DbObject | None) -> list[str]:
    """ALTER DEFAULT PRIVILEGES that turn `have` (or the built-in defaults) into `want`."""
    head = _default_privileges_head(want)
    before = have.privileges if have is not None else dict(want.extra["baseline"])
    out = []
    for statement in grant_changes(want.extra["objects"], want.privileges, before):
        out.append(f"{head} {statement}")
    return out


# -------------------------------------------------------------------------- drops
def drop_sql(obj: DbObject) -> str:
    """The statement that removes `obj` (never with CASCADE: what depends on it is dropped
    first, by name, so the script shows everything it removes)."""
    kind = obj.kind
    if kind in ("constraint",):
        return f"alter table {obj.table} drop constraint {obj.local_name};"
    if kind == "column":
        return f"alter table {obj.table} drop column {obj.local_name};"
    if kind in ("trigger", "policy"):
        return f"drop {kind} {obj.ident};"
    if kind == "default privileges":
        return "\n".join(default_privileges_sql(_as_baseline(obj), obj))
    return f"drop {word(obj)} {obj.ident};"


def _as_baseline(obj: DbObject) -> DbObject:
    from dataclasses import replace

    return replace(obj, privileges=dict(obj.extra["baseline"]))


def node_create_sql(node: Key, want: DbObject) -> list[str]:
    """A column's default or a sequence's OWNED BY, set on its own."""
    if node[0] == DEFAULT:
        return [default_sql(want)]
    if node[0] == OWNED_BY:
        return [owned_by_sql(want)]
    raise ValueError(node)  # pragma: no cover


def node_drop_sql(node: Key, have: DbObject) -> list[str]:
    if node[0] == DEFAULT:
        return [f"alter table {have.table} alter column {have.local_name} drop default;"]
    if node[0] == OWNED_BY:
        return [f"alter sequence {have.ident} owned by none;"]
    raise ValueError(node)  # pragma: no cover


# ------------------------------------------------------------------------ changes
def enum_additions(have: tuple[str, ...], want: tuple[str, ...], name: str) -> list[str]:
    """ALTER TYPE ... ADD VALUE for each value git has and the database lacks, in place."""
    out: list[str] = []
    current = list(have)
    for i, value in enumerate(want):
        if value in current:
            continue
        before = next((v for v in want[:i][::-1] if v in current), None)
        if before is not None:
            where = f" after {sql_literal(before)}"
            current.insert(current.index(before) + 1, value)
        elif current:
            where = f" before {sql_literal(current[0])}"
            current.insert(0, value)
        else:
            where = ""
            current.append(value)
        out.append(f"alter type {name} add value if not exists {sql_literal(value)}{where};")
    return out


def alter_column_type_sql(want: DbObject, have: DbObject, using: str | None = None) -> list[str]:
    """ALTER COLUMN TYPE with an explicit USING, the default dropped around it (it may not
    cast on its own)."""
    w: ColumnRow = want.row
    h: ColumnRow = have.row
    target = f"alter table {want.table} alter column {want.local_name}"
    out = []
    if h.default is not None and not h.generated:
        out.append(f"{target} drop default;")
    collate = f" collate {w.collation}" if w.collation else ""
    expression = using or f"{h.name}::{w.data_type}"
    out.append(f"{target} type {w.data_type}{collate} using {expression};")
    if w.default is not None and not w.generated:
        out.append(f"{target} set default {w.default};")
    return out
