"""The one reader of a live database: each kind of object queried once, into plain rows.

`introspect` (the lint model of `lint --dsn` and verify's live checks) and `snapshot`
(what diff compares, emit recreates and pull writes) are two views of these rows. Which
schemas are yours, and which objects belong to an extension, is decided here, once.

Names come back as DDL writes them: `oid::regclass` and `quote_ident` under an empty
search_path, so every name is schema-qualified and quoted where it must be.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from sqlkit.model.platform import PLATFORM_SCHEMAS

# the schemas PostgreSQL and the platform manage: one list, shared with the lint rules
MANAGED_SCHEMAS = tuple(sorted(PLATFORM_SCHEMAS))
API_ROLES = ("anon", "authenticated", "service_role", "supabase_auth_admin", "authenticator")
# roles the platform creates and configures; their default privileges are not yours
PLATFORM_ROLES = (
    "supabase_admin",
    "supabase_auth_admin",
    "supabase_storage_admin",
    "supabase_realtime_admin",
    "supabase_replication_admin",
    "supabase_read_only_user",
    "supabase_functions_admin",
    "supabase_etl_admin",
    "dashboard_user",
    "pgbouncer",
    "pgsodium_keyholder",
    "pgsodium_keyiduser",
    "pgsodium_keymaker",
)

# the system catalogs' own OIDs, fixed in every PostgreSQL version
PG_CLASS, PG_PROC, PG_TYPE, PG_CONSTRAINT, PG_ATTRDEF = 1259, 1255, 1247, 2606, 2604
PG_REWRITE, PG_TRIGGER, PG_POLICY, PG_NAMESPACE, PG_EXTENSION = 2618, 2620, 3256, 2615, 3079
FIRST_USER_OID = 16384

# every kind `read_catalog` can read; the lint model needs only some
ALL_KINDS = frozenset(
    {
        "schemas",
        "extensions",
        "types",
        "sequences",
        "relations",
        "columns",
        "constraints",
        "indexes",
        "functions",
        "triggers",
        "policies",
        "default_acls",
        "depends",
    }
)

Acl = tuple[tuple[str, str], ...]  # (grantee: quoted role or "public", privilege), owner left out


@dataclass(frozen=True)
class SchemaRow:
    oid: int
    name: str  # quoted
    owner: str
    acl: Acl
    comment: str | None


@dataclass(frozen=True)
class ExtensionRow:
    oid: int
    name: str  # quoted
    schema: str  # unquoted (compared with the schema list)
    version: str


@dataclass(frozen=True)
class TypeRow:
    """An enum, a domain or a composite type."""

    oid: int
    schema: str
    name: str  # qualified, quoted
    typtype: str  # e (enum) | d (domain) | c (composite)
    owner: str
    comment: str | None
    array_oid: int
    labels: tuple[str, ...] = ()  # enum values, in order
    base_type: str = ""  # domain
    not_null: bool = False  # domain
    default: str | None = None  # domain
    collation: str | None = None  # domain, when not the base type's
    checks: tuple[tuple[str, str, bool], ...] = ()  # domain: (name, definition, validated)
    check_oids: tuple[int, ...] = ()  # domain: its constraints' oids (for dependencies)
    relid: int = 0  # composite: its pg_class row
    attributes: tuple[tuple[str, str], ...] = ()  # composite: (quoted name, type incl. collation)


@dataclass(frozen=True)
class SequenceRow:
    oid: int
    schema: str
    name: str  # qualified, quoted
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool
    owned_by: str | None  # "table.column" (both quoted), the column whose drop drops it
    owner: str
    acl: Acl
    comment: str | None


@dataclass(frozen=True)
class RelationRow:
    """A table (ordinary or partitioned), a view or a materialized view."""

    oid: int
    schema: str
    name: str  # qualified, quoted
    relname: str  # unquoted, unqualified
    relkind: str  # r | p | v | m
    persistence: str  # p (logged) | u (unlogged)
    options: tuple[str, ...]
    owner: str
    acl: Acl
    comment: str | None
    rls: bool
    forced: bool
    partition_key: str | None  # partitioned tables: pg_get_partkeydef
    partition_of: str | None  # a partition: its parent
    partition_bound: str | None
    inherits: tuple[str, ...]  # plain inheritance: the parents, in order
    replica_identity: str  # d | n | f | i
    view_definition: str | None
    rowtype_oid: int
    rowtype_array_oid: int

    @property
    def is_table(self) -> bool:
        return self.relkind in ("r", "p")


@dataclass(frozen=True)
class ColumnRow:
    relid: int
    table: str  # qualified, quoted
    number: int
    name: str  # quoted
    data_type: str  # format_type, with typmod
    type_oid: int
    collation: str | None  # when not the type's default
    not_null: bool
    default: str | None  # pg_get_expr; the generation expression of a generated column
    default_oid: int
    generated: str  # "" | s (stored) | v (virtual)
    identity: str  # "" | a (always) | d (by default)
    local: bool  # defined by this table, not only inherited
    inherited: bool  # (also) from a parent table: its type and existence are the parent's
    acl: Acl  # column privileges
    comment: str | None


@dataclass(frozen=True)
class ConstraintRow:
    oid: int
    relid: int
    table: str
    name: str  # quoted
    contype: str  # p u f c x
    definition: str  # pg_get_constraintdef without " NOT VALID"
    validated: bool
    index_oid: int  # the index of a p/u/x constraint
    comment: str | None


@dataclass(frozen=True)
class IndexRow:
    oid: int
    relid: int
    table: str
    schema: str
    name: str  # qualified, quoted
    definition: str  # pg_get_indexdef
    replica_identity: bool
    comment: str | None


@dataclass(frozen=True)
class FunctionRow:
    oid: int
    schema: str
    name: str  # unquoted proname (the lint model's key)
    prokind: str  # f | p
    signature: str  # regprocedure: qualified, quoted, with identity argument types
    arguments: str
    result: str | None
    language: str
    volatility: str
    security_definer: bool
    strict: bool
    parallel: str
    leakproof: bool
    config: tuple[str, ...]
    owner: str
    comment: str | None
    definition: str  # pg_get_functiondef
    source: str
    binary: str | None
    atomic_body: str | None  # BEGIN ATOMIC bodies, deparsed
    grantees: tuple[str, ...]  # EXECUTE from the ACL, owner left out
    public_execute: bool
    api_execute: tuple[str, ...]  # API roles that may execute it (has_function_privilege)


@dataclass(frozen=True)
class TriggerRow:
    oid: int
    relid: int
    schema: str
    table: str
    table_name: str  # unquoted relname
    name: str  # quoted
    definition: str
    enabled: str
    comment: str | None


@dataclass(frozen=True)
class PolicyRow:
    oid: int
    relid: int
    schema: str
    table: str
    table_name: str  # unquoted relname
    name: str  # quoted
    raw_name: str
    permissive: bool
    command: str
    roles: tuple[str, ...]  # quoted, or "public"
    using: str | None
    check: str | None
    comment: str | None


@dataclass(frozen=True)
class DefaultAclRow:
    role: str  # quoted
    schema: str | None  # None: for every schema
    objtype: str  # r (tables) | S (sequences) | f (functions) | T (types) | n (schemas)
    acl: Acl


@dataclass(frozen=True)
class DependRow:
    """A pg_depend edge between two objects of the database (not the system's)."""

    classid: int
    objid: int
    objsubid: int
    refclassid: int
    refobjid: int
    refobjsubid: int
    deptype: str
    rule_relid: int  # classid pg_rewrite: the view whose rule it is
    default_relid: int  # classid pg_attrdef: the column whose default it is
    default_column: int


@dataclass
class Catalog:
    """Every object of the schemas read, as rows, and what the reading knew about the server."""

    server_version: int
    deployer: str  # the role that applies migrations: owner of sqlkit.schema_history
    roles: frozenset[str]
    noinherit: frozenset[str] = frozenset()  # roles that do not use their roles' privileges
    schemas_asked: tuple[str, ...] = ()
    schemas_present: frozenset[str] = frozenset()  # of the schemas asked for, those that exist
    schemas: list[SchemaRow] = field(default_factory=list)
    extensions: list[ExtensionRow] = field(default_factory=list)
    types: list[TypeRow] = field(default_factory=list)
    sequences: list[SequenceRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)
    columns: list[ColumnRow] = field(default_factory=list)
    constraints: list[ConstraintRow] = field(default_factory=list)
    indexes: list[IndexRow] = field(default_factory=list)
    functions: list[FunctionRow] = field(default_factory=list)
    triggers: list[TriggerRow] = field(default_factory=list)
    policies: list[PolicyRow] = field(default_factory=list)
    default_acls: list[DefaultAclRow] = field(default_factory=list)
    depends: list[DependRow] = field(default_factory=list)

    def in_scope(self, schema: str) -> bool:
        """Is `schema` one of those read (named ones, or every schema that is yours)?"""
        if self.schemas_asked:
            return schema in self.schemas_asked
        return schema not in MANAGED_SCHEMAS and not schema.startswith(("pg_temp", "pg_toast"))


def managed_filter(column: str) -> str:
    """SQL: the schema in `column` is one of yours, not PostgreSQL's or the platform's."""
    listed = ", ".join(f"'{s}'" for s in MANAGED_SCHEMAS)
    return f"{column} not in ({listed}) and {column} !~ '^pg_(temp|toast)'"


def not_extension_member(catalog: str, oid: str) -> str:
    """SQL: the object `oid` of system catalog `catalog` does not belong to an extension."""
    return (
        "not exists (select 1 from pg_catalog.pg_depend d where d.classid = "
        f"'pg_catalog.{catalog}'::pg_catalog.regclass and d.objid = {oid} and d.deptype = 'e')"
    )


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Scope:
    def __init__(self, schemas: Sequence[str]) -> None:
        self.schemas = list(schemas)

    def where(self, column: str) -> str:
        if self.schemas:
            return f"{column} = any(%(schemas)s)"
        return managed_filter(column)

    def platform(self, column: str) -> str:
        """SQL: the schema in `column` is the platform's (`auth`, `storage`, ...), and no
        schemas were named. Your policies and triggers on its tables are yours."""
        if self.schemas:
            return "false"
        listed = ", ".join(f"'{s}'" for s in _SYSTEM_SCHEMAS)
        return f"{column} not in ({listed}) and {column} !~ '^pg_(temp|toast)'"

    @property
    def params(self) -> dict[str, Any]:
        return {"schemas": self.schemas}


# PostgreSQL's own schemas and sqlkit's: nothing in them is ever yours
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "sqlkit", "sqlkit_test")


def _acl(column: str, default_kind: str, owner: str) -> str:
    """SQL: an array of 'role:privilege' from an ACL column (its default when null), the
    owner's own entries left out."""
    source = (
        f"coalesce({column}, pg_catalog.acldefault('{default_kind}', {owner}))"
        if default_kind
        else column
    )
    return f"""array(
    select case when a.grantee = 0 then 'public'
                else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end
           || ':' || pg_catalog.lower(a.privilege_type)
    from pg_catalog.aclexplode({source}) a
    where a.grantee <> {owner} order by 1)"""


def parse_acl(entries: Sequence[str] | None) -> Acl:
    out = []
    for entry in entries or ():
        role, _, privilege = entry.rpartition(":")
        out.append((role, privilege))
    return tuple(out)


_OWNER = "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid({}))"


def read_catalog(
    conn: psycopg.Connection,
    schemas: Sequence[str] = (),
    *,
    kinds: Collection[str] = ALL_KINDS,
) -> Catalog:
    """Read every object of `schemas` (default: every schema that is yours) into rows."""
    # an empty path makes regclass, regprocedure and pg_get_* print every name qualified
    conn.execute("select pg_catalog.set_config('search_path', '', false)")
    # from the catalog, which needs no privilege on the sqlkit schema (a read-only role reads)
    row = conn.execute(
        "select coalesce((select pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)) "
        "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'sqlkit' and c.relname = 'schema_history'), "
        "pg_catalog.quote_ident(current_user))"
    ).fetchone()
    role_rows = conn.execute("select rolname, rolinherit from pg_catalog.pg_roles").fetchall()
    roles = frozenset(name for name, _ in role_rows)
    scope = _Scope(schemas)
    present = conn.execute(
        "select nspname from pg_catalog.pg_namespace where nspname = any(%s)", [list(schemas)]
    ).fetchall()
    catalog = Catalog(
        server_version=conn.info.server_version,
        deployer=str(row[0]) if row else "",
        roles=roles,
        noinherit=frozenset(name for name, inherit in role_rows if not inherit),
        schemas_asked=tuple(schemas),
        schemas_present=frozenset(r[0] for r in present),
    )
    for kind in sorted(kinds):
        _READERS[kind](conn, scope, catalog)
    return catalog


def _schemas(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select n.oid, pg_catalog.quote_ident(n.nspname), {_OWNER.format("n.nspowner")},
               {_acl("n.nspacl", "n", "n.nspowner")},
               pg_catalog.obj_description(n.oid, 'pg_namespace')
        from pg_catalog.pg_namespace n
        where {scope.where("n.nspname")} and {not_extension_member("pg_namespace", "n.oid")}
        """,
        scope.params,
    ).fetchall()
    catalog.schemas = [SchemaRow(r[0], r[1], r[2], parse_acl(r[3]), r[4]) for r in rows]


def _extensions(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    # every extension but those of PostgreSQL's own schema (plpgsql): which are compared
    # is the snapshot's business (an extension in a platform schema may be the platform's)
    rows = conn.execute(
        """
        select e.oid, pg_catalog.quote_ident(e.extname), n.nspname, e.extversion
        from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
        where n.nspname <> 'pg_catalog'
        """
    ).fetchall()
    catalog.extensions = [ExtensionRow(*r) for r in rows]


def _types(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select t.oid, n.nspname, t.oid::pg_catalog.regtype::text, t.typtype,
               {_OWNER.format("t.typowner")}, pg_catalog.obj_description(t.oid, 'pg_type'),
               t.typarray,
               array(select e.enumlabel from pg_catalog.pg_enum e
                     where e.enumtypid = t.oid order by e.enumsortorder),
               case when t.typtype = 'd'
                    then pg_catalog.format_type(t.typbasetype, t.typtypmod) end,
               t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0),
               (select pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                from pg_catalog.pg_collation co
                join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace
                where t.typtype = 'd' and co.oid = t.typcollation
                  and t.typcollation <> (select b.typcollation from pg_catalog.pg_type b
                                         where b.oid = t.typbasetype)),
               array(select pg_catalog.quote_ident(c.conname) || E'\\x1f'
                            || pg_catalog.pg_get_constraintdef(c.oid) || E'\\x1f'
                            || c.convalidated::text || E'\\x1f' || c.oid::text
                     from pg_catalog.pg_constraint c
                     where c.contypid = t.oid and c.contype = 'c' order by c.conname),
               t.typrelid,
               array(select pg_catalog.quote_ident(a.attname) || E'\\x1f'
                            || pg_catalog.format_type(a.atttypid, a.atttypmod)
                            || coalesce(' COLLATE ' || (
                                 select pg_catalog.quote_ident(cn.nspname) || '.'
                                        || pg_catalog.quote_ident(co.collname)
                                 from pg_catalog.pg_collation co
                                 join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace
                                 where co.oid = a.attcollation
                                   and a.attcollation <> (select at.typcollation
                                                          from pg_catalog.pg_type at
                                                          where at.oid = a.atttypid)), '')
                     from pg_catalog.pg_attribute a
                     where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
                     order by a.attnum)
        from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
        where t.typtype in ('e', 'd', 'c') and {scope.where("n.nspname")}
          and (t.typtype <> 'c' or exists (select 1 from pg_catalog.pg_class c
                                           where c.oid = t.typrelid and c.relkind = 'c'))
          and {not_extension_member("pg_type", "t.oid")}
        """,
        scope.params,
    ).fetchall()
    out = []
    for r in rows:
        checks = []
        check_oids = []
        for entry in r[12] or ():
            name, definition, validated, oid = entry.split("\x1f")
            checks.append((name, _strip_not_valid(definition), validated == "true"))
            check_oids.append(int(oid))
        attributes = tuple((a.partition("\x1f")[0], a.partition("\x1f")[2]) for a in r[14] or ())
        out.append(
            TypeRow(
                oid=r[0],
                schema=r[1],
                name=r[2],
                typtype=r[3],
                owner=r[4],
                comment=r[5],
                array_oid=r[6],
                labels=tuple(r[7] or ()),
                base_type=r[8] or "",
                not_null=bool(r[9]) and r[3] == "d",
                default=r[10],
                collation=r[11],
                checks=tuple(checks),
                check_oids=tuple(check_oids),
                relid=r[13] or 0,
                attributes=attributes,
            )
        )
    catalog.types = out


def _strip_not_valid(definition: str) -> str:
    return definition.removesuffix(" NOT VALID")


def _sequences(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select c.oid, n.nspname, c.oid::pg_catalog.regclass::text,
               pg_catalog.format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmin,
               s.seqmax, s.seqcache, s.seqcycle,
               (select d.refobjid::pg_catalog.regclass::text || '.' || pg_catalog.quote_ident(a.attname)
                from pg_catalog.pg_depend d
                join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                where d.classid = {PG_CLASS} and d.objid = c.oid and d.refclassid = {PG_CLASS}
                  and d.deptype = 'a' and d.refobjsubid > 0),
               {_OWNER.format("c.relowner")}, {_acl("c.relacl", "s", "c.relowner")},
               pg_catalog.obj_description(c.oid, 'pg_class')
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_sequence s on s.seqrelid = c.oid
        where c.relkind = 'S' and {scope.where("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
          -- an identity column's sequence is part of the column
          and not exists (select 1 from pg_catalog.pg_depend d where d.classid = {PG_CLASS}
                          and d.objid = c.oid and d.deptype = 'i')
        """,
        scope.params,
    ).fetchall()
    catalog.sequences = [SequenceRow(*[*r[:12], parse_acl(r[12]), r[13]]) for r in rows]


def _relations(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select c.oid, n.nspname, c.oid::pg_catalog.regclass::text, c.relname, c.relkind,
               c.relpersistence,
               coalesce(c.reloptions, '{{}}'), {_OWNER.format("c.relowner")},
               {_acl("c.relacl", "r", "c.relowner")},
               pg_catalog.obj_description(c.oid, 'pg_class'),
               c.relrowsecurity, c.relforcerowsecurity,
               case when c.relkind = 'p' then pg_catalog.pg_get_partkeydef(c.oid) end,
               case when c.relispartition then
                 (select i.inhparent::pg_catalog.regclass::text from pg_catalog.pg_inherits i
                  where i.inhrelid = c.oid) end,
               case when c.relispartition then pg_catalog.pg_get_expr(c.relpartbound, c.oid) end,
               case when not c.relispartition then
                 array(select i.inhparent::pg_catalog.regclass::text from pg_catalog.pg_inherits i
                       where i.inhrelid = c.oid order by i.inhseqno) end,
               c.relreplident,
               case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid, true) end,
               c.reltype, (select t.typarray from pg_catalog.pg_type t where t.oid = c.reltype)
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm') and {scope.where("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
        """,
        scope.params,
    ).fetchall()
    catalog.relations = [
        RelationRow(
            oid=r[0],
            schema=r[1],
            name=r[2],
            relname=r[3],
            relkind=r[4],
            persistence=r[5],
            options=tuple(sorted(r[6])),
            owner=r[7],
            acl=parse_acl(r[8]),
            comment=r[9],
            rls=bool(r[10]),
            forced=bool(r[11]),
            partition_key=r[12],
            partition_of=r[13],
            partition_bound=r[14],
            inherits=tuple(r[15] or ()),
            replica_identity=r[16],
            view_definition=r[17],
            rowtype_oid=r[18],
            rowtype_array_oid=r[19] or 0,
        )
        for r in rows
    ]


# a relation of the scope that no extension owns: what columns, constraints, indexes,
# triggers and policies hang off
def _relation_in_scope(scope: _Scope, kinds: str) -> str:
    return (
        f"c.relkind in ({kinds}) and {scope.where('n.nspname')} "
        f"and {not_extension_member('pg_class', 'c.oid')}"
    )


def _columns(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select a.attrelid, c.oid::pg_catalog.regclass::text, a.attnum,
               pg_catalog.quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod),
               a.atttypid,
               (select pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                from pg_catalog.pg_collation co
                join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace
                where co.oid = a.attcollation and a.attcollation <> t.typcollation),
               a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), coalesce(ad.oid, 0),
               a.attgenerated, a.attidentity, a.attislocal, a.attinhcount > 0,
               {_acl("a.attacl", "", "c.relowner")},
               pg_catalog.col_description(a.attrelid, a.attnum)
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_type t on t.oid = a.atttypid
        left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
        where a.attnum > 0 and not a.attisdropped
          and {_relation_in_scope(scope, "'r', 'p', 'v', 'm'")}
        order by a.attrelid, a.attnum
        """,
        scope.params,
    ).fetchall()
    catalog.columns = [ColumnRow(*[*r[:14], parse_acl(r[14]), r[15]]) for r in rows]


def _constraints(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    # NOT NULL (contype n, PostgreSQL 18) is a column's fact; a constraint a partition or
    # child inherited is its parent's
    rows = conn.execute(
        f"""
        select co.oid, co.conrelid, c.oid::pg_catalog.regclass::text,
               pg_catalog.quote_ident(co.conname), co.contype,
               pg_catalog.pg_get_constraintdef(co.oid), co.convalidated, co.conindid,
               pg_catalog.obj_description(co.oid, 'pg_constraint')
        from pg_catalog.pg_constraint co
        join pg_catalog.pg_class c on c.oid = co.conrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where co.contype in ('p', 'u', 'f', 'c', 'x') and co.conislocal
          and {_relation_in_scope(scope, "'r', 'p'")}
        """,
        scope.params,
    ).fetchall()
    catalog.constraints = [
        ConstraintRow(r[0], r[1], r[2], r[3], r[4], _strip_not_valid(r[5]), *r[6:]) for r in rows
    ]


def _indexes(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    # an index that backs a constraint is the constraint's; one attached to a partitioned
    # table's index is that index's
    rows = conn.execute(
        f"""
        select i.indexrelid, i.indrelid, c.oid::pg_catalog.regclass::text, n.nspname,
               i.indexrelid::pg_catalog.regclass::text, pg_catalog.pg_get_indexdef(i.indexrelid),
               i.indisreplident, pg_catalog.obj_description(i.indexrelid, 'pg_class')
        from pg_catalog.pg_index i
        join pg_catalog.pg_class ic on ic.oid = i.indexrelid
        join pg_catalog.pg_class c on c.oid = i.indrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where not ic.relispartition
          and not exists (select 1 from pg_catalog.pg_constraint co
                          where co.conindid = i.indexrelid and co.conrelid = i.indrelid
                            and co.contype in ('p', 'u', 'x'))
          and {_relation_in_scope(scope, "'r', 'p', 'm'")}
        """,
        scope.params,
    ).fetchall()
    catalog.indexes = [IndexRow(*r) for r in rows]


def _functions(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    version = catalog.server_version
    sql_body = "pg_catalog.pg_get_function_sqlbody(p.oid)" if version >= 140000 else "null"
    body_present = "p.prosqlbody is not null" if version >= 140000 else "false"
    api_roles = [r for r in API_ROLES if r in catalog.roles]
    privilege = (
        ", ".join(
            f"pg_catalog.has_function_privilege({sql_literal(r)}, p.oid, 'EXECUTE')"
            for r in api_roles
        )
        or "null"
    )
    rows = conn.execute(
        f"""
        select p.oid, n.nspname, p.proname, p.prokind, p.oid::pg_catalog.regprocedure::text,
               pg_catalog.pg_get_function_arguments(p.oid),
               pg_catalog.pg_get_function_result(p.oid),
               l.lanname, p.provolatile, p.prosecdef, p.proisstrict, p.proparallel, p.proleakproof,
               p.proconfig, {_OWNER.format("p.proowner")},
               pg_catalog.obj_description(p.oid, 'pg_proc'),
               pg_catalog.pg_get_functiondef(p.oid), p.prosrc, p.probin,
               case when {body_present} then {sql_body} end,
               array(select case when a.grantee = 0 then 'public'
                                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end
                     from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                     where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner),
               exists (select 1 from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE'),
               array[{privilege}]
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        join pg_catalog.pg_language l on l.oid = p.prolang
        where {scope.where("n.nspname")} and p.prokind in ('f', 'p')
          and {not_extension_member("pg_proc", "p.oid")}
        order by 2, 3, 5
        """,
        scope.params,
    ).fetchall()
    out = []
    for r in rows:
        granted = r[22] or []
        api = tuple(role for role, ok in zip(api_roles, granted, strict=False) if ok)
        out.append(
            FunctionRow(
                *[
                    *r[:13],
                    tuple(r[13] or ()),  # config
                    *r[14:20],  # owner, comment, definition, source, binary, atomic body
                    tuple(sorted(r[20])),  # grantees
                    bool(r[21]),  # public_execute
                    api,
                ]
            )
        )
    catalog.functions = out


def _triggers(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    # a trigger a partition got from its parent's is the parent's
    cloned = "and t.tgparentid = 0" if catalog.server_version >= 130000 else ""
    rows = conn.execute(
        f"""
        select t.oid, t.tgrelid, n.nspname, c.oid::pg_catalog.regclass::text, c.relname,
               pg_catalog.quote_ident(t.tgname), pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled,
               pg_catalog.obj_description(t.oid, 'pg_trigger')
        from pg_catalog.pg_trigger t
        join pg_catalog.pg_class c on c.oid = t.tgrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_proc p on p.oid = t.tgfoid
        join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
        where not t.tgisinternal {cloned} and c.relkind in ('r', 'p', 'v', 'm')
          -- on your table, or on the platform's calling your function (on auth.users, say)
          and ({scope.where("n.nspname")}
               or {scope.platform("n.nspname")} and {scope.where("pn.nspname")})
          and {not_extension_member("pg_class", "c.oid")}
          and {not_extension_member("pg_proc", "p.oid")}
        """,
        scope.params,
    ).fetchall()
    catalog.triggers = [TriggerRow(*r) for r in rows]


def _policies(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select pol.oid, pol.polrelid, n.nspname, c.oid::pg_catalog.regclass::text, c.relname,
               pg_catalog.quote_ident(pol.polname), pol.polname, pol.polpermissive, pol.polcmd,
               array(select case when r = 0 then 'public'
                                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) end
                     from pg_catalog.unnest(pol.polroles) r order by 1),
               pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
               pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
               pg_catalog.obj_description(pol.oid, 'pg_policy')
        from pg_catalog.pg_policy pol
        join pg_catalog.pg_class c on c.oid = pol.polrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p')
          -- on your table, or on one of the platform's (storage.objects, say)
          and ({scope.where("n.nspname")} or {scope.platform("n.nspname")})
          and {not_extension_member("pg_class", "c.oid")}
        """,
        scope.params,
    ).fetchall()
    catalog.policies = [PolicyRow(*[*r[:9], tuple(r[9]), *r[10:13]]) for r in rows]


def _default_acls(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    rows = conn.execute(
        f"""
        select pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole)), n.nspname,
               d.defaclobjtype, {_acl("d.defaclacl", "", "d.defaclrole")}
        from pg_catalog.pg_default_acl d
        left join pg_catalog.pg_namespace n on n.oid = d.defaclnamespace
        """
    ).fetchall()
    catalog.default_acls = [
        DefaultAclRow(r[0], r[1], r[2], parse_acl(r[3]))
        for r in rows
        if r[1] is None or catalog.in_scope(r[1])
    ]


def _depends(conn: psycopg.Connection, scope: _Scope, catalog: Catalog) -> None:
    # edges between the database's own objects (below FirstNormalObjectId lies the system),
    # and extensions' members; a view's dependencies are its rewrite rule's, a default's
    # hang off its column
    rows = conn.execute(
        f"""
        select d.classid::oid, d.objid::oid, d.objsubid, d.refclassid::oid, d.refobjid::oid,
               d.refobjsubid, d.deptype, coalesce(r.ev_class, 0), coalesce(ad.adrelid, 0),
               coalesce(ad.adnum, 0)
        from pg_catalog.pg_depend d
        left join pg_catalog.pg_rewrite r on d.classid = {PG_REWRITE} and r.oid = d.objid
        left join pg_catalog.pg_attrdef ad on d.classid = {PG_ATTRDEF} and ad.oid = d.objid
        where d.objid >= {FIRST_USER_OID} and d.refobjid >= {FIRST_USER_OID}
          and (d.deptype in ('n', 'a', 'i')
               and d.classid in ({PG_CLASS}, {PG_PROC}, {PG_TYPE}, {PG_CONSTRAINT},
                                 {PG_ATTRDEF}, {PG_REWRITE}, {PG_TRIGGER}, {PG_POLICY})
               -- an extension's members: what uses them uses the extension
               or d.deptype = 'e' and d.refclassid = {PG_EXTENSION})
        """
    ).fetchall()
    catalog.depends = [DependRow(*r) for r in rows]


_READERS = {
    "schemas": _schemas,
    "extensions": _extensions,
    "types": _types,
    "sequences": _sequences,
    "relations": _relations,
    "columns": _columns,
    "constraints": _constraints,
    "indexes": _indexes,
    "functions": _functions,
    "triggers": _triggers,
    "policies": _policies,
    "default_acls": _default_acls,
    "depends": _depends,
}
