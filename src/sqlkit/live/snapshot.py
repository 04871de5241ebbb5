"""What a database holds, object by object, in a form two databases can be compared in: a
view of the rows `catalog.read_catalog` reads.

Each object carries `facts`: named, normalised values that `sqlkit diff` compares one
by one (a function's body as a canonical parse tree, a column's type, a constraint's
definition as PostgreSQL deparses it, ...), the readable definition a changed object is
shown with, and the row `--emit-sql` and `sqlkit pull` recreate it from. The snapshot
also holds what depends on what (`pg_depend`, a view's rewrite rule, a column's default),
so that objects are dropped and created in an order PostgreSQL accepts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from sqlkit.live import reader as cat
from sqlkit.live.normalise import canonical_body, canonical_expression, canonical_sql
from sqlkit.live.reader import (
    Acl,
    Catalog,
    ColumnRow,
    ConstraintRow,
    DefaultAclRow,
    ExtensionRow,
    FunctionRow,
    IndexRow,
    PolicyRow,
    RelationRow,
    SchemaRow,
    SequenceRow,
    TriggerRow,
    TypeRow,
    read_catalog,
)
from sqlkit.model.search_path import normalise_search_path

DEPLOYER = "(deployer)"
# in the order differences are listed (and, kind by kind, objects are created)
KINDS = (
    "schema",
    "extension",
    "enum",
    "domain",
    "composite",
    "sequence",
    "table",
    "column",
    "constraint",
    "index",
    "view",
    "function",
    "procedure",
    "trigger",
    "policy",
    "default privileges",
)
# kinds that are part of a table or view (`parent`): created with it, dropped with it
CHILD_KINDS = frozenset({"column", "constraint", "index", "trigger", "policy"})
# graph nodes that are not objects of their own: a column's default, a sequence's OWNED BY
DEFAULT, OWNED_BY = "default", "owned by"

Key = tuple[str, str]

_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}
_PARALLEL = {"s": "safe", "r": "restricted", "u": "unsafe"}
_COMMAND = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
_ENABLED = {"O": "enabled", "D": "disabled", "R": "replica", "A": "always"}
_REPLICA = {"d": "default", "n": "nothing", "f": "full", "i": "index"}
_DEFAULT_ACL_OBJECTS = {
    "r": "tables",
    "S": "sequences",
    "f": "functions",
    "T": "types",
    "n": "schemas",
}
# what PostgreSQL grants on a new object when no default privileges say otherwise (besides
# the owner): PUBLIC may execute functions and use types
_BUILTIN_DEFAULTS = {"f": {"public": frozenset({"execute"})}, "T": {"public": frozenset({"usage"})}}


@dataclass
class DbObject:
    """One deployed object: what identifies it, what diff compares, how to recreate it."""

    kind: str  # one of KINDS
    name: str  # the key and display name: public.f(uuid), public.students.own_rows
    schema: str
    facts: dict[str, str]
    text: str = ""  # the readable definition (unified diffs, pull)
    ident: str = ""  # how DDL names it: public.f(uuid), public.v, public.t
    owner: str = ""  # quoted role name
    grantees: frozenset[str] = frozenset()  # EXECUTE, quoted role names or "public"
    privileges: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # tables, views, sequences, schemas, columns: role → privileges
    comment: str | None = None
    table: str = ""  # the qualified table of a column, constraint, index, trigger or policy
    local_name: str = ""  # the quoted name of a column, constraint, trigger or policy
    parent: Key | None = None  # the table or view a child kind is part of
    display: dict[str, str] = field(default_factory=dict)  # facts as people read them
    row: Any = None  # the reader's row
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.kind, self.name)


@dataclass
class Snapshot:
    """Every object of the compared schemas, keyed by (kind, name), and what depends on what."""

    objects: dict[Key, DbObject]
    deployer: str  # the role that applies migrations: owner of sqlkit.schema_history
    function_grantees: frozenset[str]  # roles a new function may get EXECUTE by default
    server_version: int
    relation_grantees: frozenset[str] = (
        frozenset()
    )  # roles a new table or view may get privileges by default
    schemas: frozenset[str] = frozenset()  # of the schemas asked for, those that exist here
    sequence_grantees: frozenset[str] = frozenset()
    # object (or DEFAULT/OWNED_BY node) → what it depends on, as PostgreSQL records it, plus
    # child → parent and object → schema
    depends: dict[Key, set[Key]] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[DbObject]:
        return [o for (k, _), o in sorted(self.objects.items()) if k == kind]

    def children(self, parent: Key) -> list[DbObject]:
        return [o for o in self.objects.values() if o.parent == parent]

    def dependants(self) -> dict[Key, set[Key]]:
        """The graph the other way round: what depends on each node."""
        out: dict[Key, set[Key]] = {}
        for node, refs in self.depends.items():
            for ref in refs:
                out.setdefault(ref, set()).add(node)
        return out


def take_snapshot(conn: psycopg.Connection, schemas: Sequence[str] = ()) -> Snapshot:
    """Read every kind of object of `schemas` (default: every schema that is yours)."""
    return snapshot_of(read_catalog(conn, schemas))


def snapshot_of(catalog: Catalog) -> Snapshot:
    """The objects diff compares, and their dependencies, from the rows read."""
    builder = _Builder(catalog)
    return builder.build()


def privileges_text(privileges: dict[str, frozenset[str]]) -> str:
    return (
        "; ".join(f"{r}: {', '.join(sorted(p))}" for r, p in sorted(privileges.items()))
        or "(nobody)"
    )


def acl_privileges(acl: Acl) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for role, privilege in acl:
        out.setdefault(role, set()).add(privilege)
    return {role: frozenset(privs) for role, privs in out.items()}


def _default_grantees(catalog: Catalog, objtype: str) -> frozenset[str]:
    """Roles a new object may get privileges on automatically: the API roles and whoever
    default privileges name. Resetting a new object's grants revokes from them."""
    grantees: set[str] = {
        r for r in ("anon", "authenticated", "service_role") if r in catalog.roles
    }
    for row in catalog.default_acls:
        if row.objtype == objtype:
            grantees |= {role for role, _ in row.acl if role != "public"}
    return frozenset(grantees)


def _text_or_none(value: str | None) -> str:
    return value or ""


class _Builder:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.deployer = catalog.deployer
        self.objects: dict[Key, DbObject] = {}
        self.depends: dict[Key, set[Key]] = {}
        # oid → graph node, filled as objects are made
        self.by_class: dict[int, dict[int, Key]] = {}
        self.columns: dict[tuple[int, int], Key] = {}
        self.defaults: dict[tuple[int, int], Key] = {}

    def owner(self, owner: str) -> str:
        return DEPLOYER if owner == self.deployer else owner

    def add(self, obj: DbObject, classid: int = 0, *oids: int) -> DbObject:
        self.objects[obj.key] = obj
        for oid in oids:
            if classid and oid:
                self.by_class.setdefault(classid, {})[oid] = obj.key
        if obj.parent is not None:
            self.edge(obj.key, obj.parent)
        if obj.kind not in ("schema", "default privileges"):
            self.edge(obj.key, ("schema", _quote(obj.schema)))
        return obj

    def edge(self, node: Key, ref: Key) -> None:
        if node != ref:
            self.depends.setdefault(node, set()).add(ref)

    def build(self) -> Snapshot:
        c = self.catalog
        for schema in c.schemas:
            self._schema(schema)
        for extension in c.extensions:
            self._extension(extension)
        for type_row in c.types:
            self._type(type_row)
        relations = {r.oid: r for r in c.relations}
        columns_of: dict[int, list[ColumnRow]] = {}
        for column in c.columns:
            columns_of.setdefault(column.relid, []).append(column)
        for relation in c.relations:
            self._relation(relation, columns_of.get(relation.oid, []))
        for column in c.columns:
            if column.relid in relations:
                self._column(column, relations[column.relid])
        for sequence in c.sequences:
            self._sequence(sequence)
        for constraint in c.constraints:
            self._constraint(constraint)
        for index in c.indexes:
            self._index(index)
        for function in c.functions:
            self._function(function)
        for trigger in c.triggers:
            self._trigger(trigger)
        for policy in c.policies:
            self._policy(policy)
        for default_acl in c.default_acls:
            self._default_acl(default_acl)
        self._dependencies()
        return Snapshot(
            self.objects,
            c.deployer,
            _default_grantees(c, "f"),
            c.server_version,
            relation_grantees=_default_grantees(c, "r"),
            schemas=c.schemas_present,
            sequence_grantees=_default_grantees(c, "S"),
            depends=self.depends,
        )

    # ------------------------------------------------------------------ schema-level
    def _schema(self, row: SchemaRow) -> None:
        privileges = acl_privileges(row.acl)
        self.add(
            DbObject(
                "schema",
                row.name,
                _unquote(row.name),
                {
                    "owner": self.owner(row.owner),
                    "privileges": privileges_text(privileges),
                    "comment": _text_or_none(row.comment),
                },
                ident=row.name,
                owner=row.owner,
                privileges=privileges,
                comment=row.comment,
                row=row,
            ),
            cat.PG_NAMESPACE,
            row.oid,
        )

    def _extension(self, row: ExtensionRow) -> None:
        in_scope = self.catalog.in_scope(row.schema)
        if not in_scope and row.schema not in cat.MANAGED_SCHEMAS:
            return  # a schema that was not asked for
        self.add(
            DbObject(
                "extension",
                row.name,
                row.schema,
                {"version": row.version, "schema": row.schema},
                text=f"create extension {row.name} with schema {_quote(row.schema)} "
                f"version {cat.sql_literal(row.version)};\n",
                ident=row.name,
                row=row,
                # an extension in a platform schema may be the platform's: compared when
                # git has it, never reported as extra
                extra={"platform": not in_scope},
            ),
            cat.PG_EXTENSION,
            row.oid,
        )

    def _type(self, row: TypeRow) -> None:
        owner = self.owner(row.owner)
        comment = _text_or_none(row.comment)
        if row.typtype == "e":
            values = ", ".join(cat.sql_literal(v) for v in row.labels)
            obj = DbObject(
                "enum",
                row.name,
                row.schema,
                {"values": values, "owner": owner, "comment": comment},
                text=f"create type {row.name} as enum ({values});\n",
            )
        elif row.typtype == "d":
            facts = {
                "type": row.base_type,
                "collation": row.collation or "",
                "not null": "not null" if row.not_null else "null allowed",
                "default": canonical_expression(row.default),
            }
            display = {"default": row.default or ""}
            for name, definition, validated in row.checks:
                fact = f"constraint {name}"
                facts[fact] = canonical_sql(f"alter domain x add {definition}") + (
                    "" if validated else " not valid"
                )
                display[fact] = definition + ("" if validated else " NOT VALID")
            facts |= {"owner": owner, "comment": comment}
            obj = DbObject(
                "domain",
                row.name,
                row.schema,
                facts,
                text=_domain_text(row),
                display=display,
            )
        else:
            attributes = ", ".join(f"{n} {t}" for n, t in row.attributes)
            obj = DbObject(
                "composite",
                row.name,
                row.schema,
                {"attributes": attributes, "owner": owner, "comment": comment},
                text=f"create type {row.name} as ({attributes});\n",
            )
        obj.ident, obj.owner, obj.comment, obj.row = row.name, row.owner, row.comment, row
        self.add(obj, cat.PG_TYPE, row.oid, row.array_oid)
        if row.relid:
            self.by_class.setdefault(cat.PG_CLASS, {})[row.relid] = obj.key
        for oid in row.check_oids:
            self.by_class.setdefault(cat.PG_CONSTRAINT, {})[oid] = obj.key

    def _sequence(self, row: SequenceRow) -> None:
        privileges = acl_privileges(row.acl)
        obj = self.add(
            DbObject(
                "sequence",
                row.name,
                row.schema,
                {
                    "type": row.data_type,
                    "start": str(row.start),
                    "increment": str(row.increment),
                    "minimum": str(row.minimum),
                    "maximum": str(row.maximum),
                    "cache": str(row.cache),
                    "cycle": "cycle" if row.cycle else "no cycle",
                    "owned by": row.owned_by or "",
                    "owner": self.owner(row.owner),
                    "privileges": privileges_text(privileges),
                    "comment": _text_or_none(row.comment),
                },
                text=sequence_text(row),
                ident=row.name,
                owner=row.owner,
                privileges=privileges,
                comment=row.comment,
                row=row,
            ),
            cat.PG_CLASS,
            row.oid,
        )
        if row.owned_by:
            self.edge((OWNED_BY, obj.name), obj.key)
            column = self.objects.get(("column", row.owned_by))
            # part of the table (dropped with it, listed under it), yet created before it:
            # no edge to the table, the table's default needs the sequence
            obj.parent = column.parent if column is not None else None

    # ---------------------------------------------------------------- relations
    def _relation(self, row: RelationRow, columns: list[ColumnRow]) -> None:
        privileges = acl_privileges(row.acl)
        owner = self.owner(row.owner)
        comment = _text_or_none(row.comment)
        if row.is_table:
            facts = {
                "partition by": row.partition_key or "",
                "partition of": (
                    f"{row.partition_of} {row.partition_bound}" if row.partition_of else ""
                ),
                "inherits": ", ".join(row.inherits),
                "logged": "unlogged" if row.persistence == "u" else "logged",
                "options": ", ".join(row.options),
                "row level security": "enabled" if row.rls else "disabled",
                "force row level security": "forced" if row.forced else "not forced",
                "replica identity": _REPLICA.get(row.replica_identity, row.replica_identity),
                "owner": owner,
                "privileges": privileges_text(privileges),
                "comment": comment,
            }
            obj = DbObject(
                "table",
                row.name,
                row.schema,
                facts,
                text=table_text(row, columns),
                extra={"rls": row.rls, "forced": row.forced},
            )
        else:
            materialized = row.relkind == "m"
            options_text = ", ".join(row.options)
            body = (row.view_definition or "").strip().rstrip(";")
            with_clause = f"\n  with ({options_text})" if options_text else ""
            if materialized:
                text = (
                    f"create materialized view if not exists {row.name}{with_clause} as\n{body};\n"
                )
            else:
                text = f"create or replace view {row.name}{with_clause} as\n{body};\n"
            facts = {
                "definition": canonical_sql(body),
                "materialized": "materialized" if materialized else "plain",
                "columns": ", ".join(f"{c.name} {c.data_type}" for c in columns),
                "options": options_text,
                "owner": owner,
                "privileges": privileges_text(privileges),
                "comment": comment,
            }
            for column in columns:
                if column.comment:
                    facts[f"comment on column {column.name}"] = column.comment
            obj = DbObject(
                "view",
                row.name,
                row.schema,
                facts,
                text=text,
                extra={
                    "materialized": materialized,
                    "options": list(row.options),
                    "query": body,
                    "columns": [(c.name, c.data_type) for c in columns],
                    "column_comments": {c.name: c.comment for c in columns if c.comment},
                },
            )
        obj.ident, obj.owner, obj.privileges, obj.comment, obj.row = (
            row.name,
            row.owner,
            privileges,
            row.comment,
            row,
        )
        self.add(obj, cat.PG_CLASS, row.oid)
        self.by_class.setdefault(cat.PG_TYPE, {})[row.rowtype_oid] = obj.key
        if row.rowtype_array_oid:
            self.by_class[cat.PG_TYPE][row.rowtype_array_oid] = obj.key
        parent = row.partition_of
        for ref in ((parent,) if parent else ()) + row.inherits:
            self.edge(obj.key, ("table", ref))

    def _column(self, row: ColumnRow, relation: RelationRow) -> None:
        relation_key = self.by_class[cat.PG_CLASS][relation.oid]
        if not relation.is_table:  # a view's columns are its definition's
            self.columns[(row.relid, row.number)] = relation_key
            self.defaults[(row.relid, row.number)] = relation_key
            return
        privileges = acl_privileges(row.acl)
        generated = ""
        if row.generated:
            kind = "virtual" if row.generated == "v" else "stored"
            generated = f"{kind}: {canonical_expression(row.default)}"
        default = "" if row.generated else canonical_expression(row.default)
        name = f"{row.table}.{row.name}"
        obj = self.add(
            DbObject(
                "column",
                name,
                relation.schema,
                {
                    "type": row.data_type,
                    "collation": row.collation or "",
                    "default": default,
                    "not null": "not null" if row.not_null else "null allowed",
                    "generated": generated,
                    "identity": {"a": "always", "d": "by default"}.get(row.identity, ""),
                    "privileges": privileges_text(privileges) if privileges else "",
                    "comment": _text_or_none(row.comment),
                },
                text=column_definition(row) + "\n",
                ident=row.table,
                table=row.table,
                local_name=row.name,
                parent=relation_key,
                privileges=privileges,
                comment=row.comment,
                display={
                    "default": "" if row.generated else (row.default or ""),
                    "generated": (
                        f"{'virtual' if row.generated == 'v' else 'stored'}: {row.default}"
                        if row.generated
                        else ""
                    ),
                },
                row=row,
            )
        )
        self.objects[relation_key].extra.setdefault("columns", []).append(obj)
        self.columns[(row.relid, row.number)] = obj.key
        self.defaults[(row.relid, row.number)] = (DEFAULT, name)
        if row.default is not None:
            self.edge((DEFAULT, name), obj.key)

    def _constraint(self, row: ConstraintRow) -> None:
        relation_key = self.by_class[cat.PG_CLASS].get(row.relid)
        if relation_key is None:
            return
        definition = canonical_sql(f"alter table x add {row.definition}")
        obj = self.add(
            DbObject(
                "constraint",
                f"{row.table}.{row.name}",
                self.objects[relation_key].schema,
                {
                    "definition": definition,
                    "validated": "validated" if row.validated else "not valid",
                    "comment": _text_or_none(row.comment),
                },
                text=f"alter table {row.table} add constraint {row.name} {row.definition};\n",
                ident=row.table,
                table=row.table,
                local_name=row.name,
                parent=relation_key,
                comment=row.comment,
                row=row,
            ),
            cat.PG_CONSTRAINT,
            row.oid,
        )
        if row.index_oid and row.contype in ("p", "u", "x"):
            self.by_class.setdefault(cat.PG_CLASS, {})[row.index_oid] = obj.key

    def _index(self, row: IndexRow) -> None:
        relation_key = self.by_class[cat.PG_CLASS].get(row.relid)
        if relation_key is None:
            return
        self.add(
            DbObject(
                "index",
                row.name,
                row.schema,
                {
                    "definition": canonical_sql(row.definition),
                    "comment": _text_or_none(row.comment),
                },
                text=row.definition + ";\n",
                ident=row.name,
                table=row.table,
                parent=relation_key,
                comment=row.comment,
                row=row,
            ),
            cat.PG_CLASS,
            row.oid,
        )

    # -------------------------------------------------------------------- logic
    def _function(self, row: FunctionRow) -> None:
        kind = "procedure" if row.prokind == "p" else "function"
        source = row.source + (f"\n{row.binary}" if row.binary else "")
        facts = {
            "body": canonical_body(row.language, source, row.atomic_body),
            "language": row.language,
            "arguments": row.arguments,
            "returns": row.result or "",
            "volatility": _VOLATILITY.get(row.volatility, row.volatility),
            "security": "definer" if row.security_definer else "invoker",
            "strict": "strict" if row.strict else "called on null input",
            "parallel": _PARALLEL.get(row.parallel, row.parallel),
            "leakproof": "leakproof" if row.leakproof else "not leakproof",
        }
        for item in row.config:
            key, _, value = item.partition("=")
            if key == "search_path":  # an empty path is a setting too, unlike no setting
                value = normalise_search_path([value]) or "''"
            facts[f"set {key}"] = value
        facts["owner"] = self.owner(row.owner)
        facts["execute"] = ", ".join(row.grantees) or "(nobody)"
        facts["comment"] = _text_or_none(row.comment)
        self.add(
            DbObject(
                kind,
                row.signature,
                row.schema,
                facts,
                text=row.definition.rstrip() + ";\n",
                ident=row.signature,
                owner=row.owner,
                grantees=frozenset(row.grantees),
                comment=row.comment,
                row=row,
            ),
            cat.PG_PROC,
            row.oid,
        )

    def _trigger(self, row: TriggerRow) -> None:
        relation_key = self.by_class[cat.PG_CLASS].get(row.relid)
        self.add(
            DbObject(
                "trigger",
                f"{row.table}.{row.name}",
                row.schema,
                {
                    "definition": canonical_sql(row.definition),
                    "enabled": _ENABLED.get(row.enabled) or str(row.enabled),
                    "comment": _text_or_none(row.comment),
                },
                text=row.definition + ";\n",
                ident=f"{row.name} on {row.table}",
                table=row.table,
                local_name=row.name,
                parent=relation_key,
                comment=row.comment,
                row=row,
                extra={"enabled": row.enabled},
            ),
            cat.PG_TRIGGER,
            row.oid,
        )

    def _policy(self, row: PolicyRow) -> None:
        mode = "permissive" if row.permissive else "restrictive"
        verb = _COMMAND.get(row.command, "all")
        lines = [f"create policy {row.name} on {row.table}", f"  as {mode}", f"  for {verb}"]
        lines.append(f"  to {', '.join(row.roles)}")
        if row.using is not None:
            lines.append(f"  using ({row.using})")
        if row.check is not None:
            lines.append(f"  with check ({row.check})")
        self.add(
            DbObject(
                "policy",
                f"{row.table}.{row.name}",
                row.schema,
                {
                    "mode": mode,
                    "command": verb,
                    "roles": ", ".join(row.roles),
                    "using": canonical_expression(row.using),
                    "with check": canonical_expression(row.check),
                    "comment": _text_or_none(row.comment),
                },
                text="\n".join(lines) + ";\n",
                ident=f"{row.name} on {row.table}",
                table=row.table,
                local_name=row.name,
                parent=self.by_class[cat.PG_CLASS].get(row.relid),
                comment=row.comment,
                row=row,
            ),
            cat.PG_POLICY,
            row.oid,
        )

    def _default_acl(self, row: DefaultAclRow) -> None:
        if row.role in cat.PLATFORM_ROLES and row.role != self.deployer:
            return
        objects = _DEFAULT_ACL_OBJECTS.get(row.objtype)
        if objects is None:
            return
        role = self.owner(row.role)
        where = f" in schema {_quote(row.schema)}" if row.schema else ""
        privileges = acl_privileges(row.acl)
        # a global entry replaces PostgreSQL's built-in defaults, a schema's adds to them:
        # the side without an entry has the built-in ones (global) or nothing (schema)
        baseline = {} if row.schema else dict(_BUILTIN_DEFAULTS.get(row.objtype, {}))
        self.add(
            DbObject(
                "default privileges",
                f"for role {role}{where} on {objects}",
                row.schema or "",
                {"privileges": privileges_text(privileges)},
                ident=objects,
                owner=row.role,
                privileges=privileges,
                row=row,
                extra={
                    "baseline": baseline,
                    "schema": _quote(row.schema) if row.schema else None,
                    "objects": objects,
                    "deployer": row.role == self.deployer,
                },
            )
        )

    # ------------------------------------------------------------ dependencies
    def _node(self, classid: int, objid: int, subid: int) -> Key | None:
        if classid == cat.PG_CLASS and subid > 0:
            found = self.columns.get((objid, subid))
            if found is not None:
                return found
        return self.by_class.get(classid, {}).get(objid)

    def _dependencies(self) -> None:
        members = [d for d in self.catalog.depends if d.deptype == "e"]
        for d in members:  # a function, type or operator class of an extension is the extension
            extension = self.by_class.get(cat.PG_EXTENSION, {}).get(d.refobjid)
            if extension is not None:
                self.by_class.setdefault(d.classid, {}).setdefault(d.objid, extension)
        for d in self.catalog.depends:
            if d.deptype == "e":
                continue
            if d.classid == cat.PG_REWRITE:
                node = self.by_class.get(cat.PG_CLASS, {}).get(d.rule_relid)
            elif d.classid == cat.PG_ATTRDEF:
                node = self.defaults.get((d.default_relid, d.default_column))
            else:
                node = self._node(d.classid, d.objid, d.objsubid)
            ref = self._node(d.refclassid, d.refobjid, d.refobjsubid)
            if node is None or ref is None:
                continue
            if node[0] == "sequence" and d.deptype == "a" and ref[0] == "column":
                node = (OWNED_BY, node[1])  # OWNED BY: dropped with the column
            self.edge(node, ref)


@functools.lru_cache(maxsize=1024)
def _quote(name: str) -> str:
    """An identifier as quote_ident writes it (enough for schema names read from the catalog)."""
    if _PLAIN.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")
_RESERVED = frozenset(
    {
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    }
)


# ---------------------------------------------------------------- definitions as text
def column_definition(row: ColumnRow) -> str:
    """A column as CREATE TABLE and ADD COLUMN write it."""
    parts = [row.name, row.data_type]
    if row.collation:
        parts.append(f"collate {row.collation}")
    if row.generated:
        kind = "virtual" if row.generated == "v" else "stored"
        parts.append(f"generated always as ({row.default}) {kind}")
    elif row.default is not None:
        parts.append(f"default {row.default}")
    if row.identity:
        parts.append(
            "generated always as identity"
            if row.identity == "a"
            else "generated by default as identity"
        )
    if row.not_null:
        parts.append("not null")
    return " ".join(parts)


def table_text(row: RelationRow, columns: list[ColumnRow]) -> str:
    """CREATE TABLE with the table's own columns (constraints and indexes come after)."""
    unlogged = "unlogged " if row.persistence == "u" else ""
    if row.partition_of:
        head = f"create {unlogged}table {row.name} partition of {row.partition_of}"
        tail = f"\n  {row.partition_bound}"
    else:
        own = [c for c in columns if c.local]
        body = ",\n".join(f"  {column_definition(c)}" for c in own)
        head = (
            f"create {unlogged}table {row.name} (\n{body}\n)"
            if own
            else f"create {unlogged}table {row.name} ()"
        )
        tail = ""
        if row.inherits:
            tail += f"\n  inherits ({', '.join(row.inherits)})"
    if row.partition_key:
        tail += f"\n  partition by {row.partition_key}"
    if row.options:
        tail += f"\n  with ({', '.join(row.options)})"
    return f"{head}{tail};\n"


def sequence_text(row: SequenceRow) -> str:
    return (
        f"create sequence {row.name} as {row.data_type} increment by {row.increment} "
        f"minvalue {row.minimum} maxvalue {row.maximum} start with {row.start} "
        f"cache {row.cache}{' cycle' if row.cycle else ' no cycle'};\n"
    )


def _domain_text(row: TypeRow) -> str:
    parts = [f"create domain {row.name} as {row.base_type}"]
    if row.collation:
        parts.append(f"collate {row.collation}")
    if row.default is not None:
        parts.append(f"default {row.default}")
    if row.not_null:
        parts.append("not null")
    for name, definition, validated in row.checks:
        if validated:
            parts.append(f"constraint {name} {definition}")
    text = "\n  ".join(parts) + ";\n"
    for name, definition, validated in row.checks:
        if not validated:
            text += f"alter domain {row.name} add constraint {name} {definition} not valid;\n"
    return text
