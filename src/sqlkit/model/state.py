"""The replayed project model: tables (columns, constraints, indexes), policies, views,
functions, extensions and privileges."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from sqlkit.model.events import Event, IndexKey, Origin, RoutineDef, RoutineRef, Secret
from sqlkit.sql.policy import PolicyFacts, analyse_policy
from sqlkit.sql.source import Range, Span
from sqlkit.sql.tree import Node, Packed, unpack


@dataclass(frozen=True)
class RoutineKey:
    """`schema.name(identity argument types)`: how Postgres tells overloads apart."""

    schema: str
    name: str
    arg_types: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}({', '.join(self.arg_types)})"

    @functools.cached_property
    def bare_arg_types(self) -> tuple[str, ...]:
        """The argument types without their schema (`public.t` is `t`), lower-cased."""
        return tuple(_bare_type(t) for t in self.arg_types)


@dataclass
class Function:
    """A function or procedure as it stands after every statement has been replayed."""

    key: RoutineKey
    definition: RoutineDef  # the CREATE [OR REPLACE] that defines its current body
    security_definer: bool
    security_origin: Origin  # the statement that set its security (for SK103)
    definer_reason: bool
    volatility: str  # volatile | stable | immutable
    volatility_written: bool
    strict: bool
    config: dict[str, str]
    config_origins: dict[str, Origin]
    execute: set[str]  # roles holding EXECUTE; "public" for PUBLIC
    granted_explicitly: set[str] = field(default_factory=set)
    revokes: list[tuple[Origin, str]] = field(default_factory=list)
    # CREATE TRIGGER ... EXECUTE FUNCTION this: the tables it fires on, and the transition
    # tables (REFERENCING NEW|OLD TABLE AS x) it can read by name
    trigger_tables: set[tuple[str, str]] = field(default_factory=set)
    transition_tables: set[str] = field(default_factory=set)
    # for fixes: the last GRANT/REVOKE of EXECUTE on it (a REVOKE a fix adds goes after it),
    # the written value of each setting (in the file of `config_origins[name]`), and what an
    # ALTER FUNCTION changed after the definition (`volatility`, setting names)
    grant_origin: Origin | None = None
    config_value_ranges: dict[str, Range] = field(default_factory=dict)
    altered: set[str] = field(default_factory=set)

    @property
    def origin(self) -> Origin:
        return self.definition.origin

    @property
    def schema(self) -> str:
        return self.key.schema

    @property
    def name(self) -> str:
        return self.key.name

    @property
    def qualified_name(self) -> str:
        return f"{self.key.schema}.{self.key.name}"

    @property
    def kind(self) -> str:
        return "procedure" if self.definition.is_procedure else "function"

    @property
    def display(self) -> str:
        return f"{self.kind} {self.key}"

    @property
    def is_trigger(self) -> bool:
        """Returns trigger/event_trigger: PostgreSQL refuses to call it except as a trigger."""
        return self.definition.is_trigger


@dataclass
class Column:
    name: str
    type: str  # as written: `varchar(20)`
    type_name: str  # normalised: `varchar`, `int4[]`, `public.mood`
    not_null: bool = False
    default: Node | None = None  # parse tree of the DEFAULT expression (`default_text` reads it)
    generated: str | None = None  # "stored" | "virtual"
    identity: str | None = None  # "always" | "by default"
    origin: Origin | None = None  # the statement that gave it its current type

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def default_volatile(self) -> bool:
        """The default calls a volatile function (`random()`, `gen_random_uuid()`, a serial's
        `nextval()`) or one sqlkit cannot see: ADD COLUMN with it rewrites the table."""
        from sqlkit.model.structure import calls_volatile

        return calls_volatile(self.default)

    @property
    def default_text(self) -> str | None:
        from sqlkit.sql.tree import deparse

        return None if self.default is None else deparse(self.default)


@dataclass
class Constraint:
    """A table constraint after replay; a foreign key's referenced columns are resolved
    (`()` only when the referenced table is not part of the project, e.g. auth.users)."""

    name: str
    kind: str  # primary | unique | foreign | check | exclude
    columns: tuple[str, ...]
    origin: Origin
    ref_schema: str | None = None
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "no action"
    on_update: str = "no action"
    not_valid: bool = False
    expression: Node | None = None  # check

    @property
    def references(self) -> str:
        cols = f" ({', '.join(self.ref_columns)})" if self.ref_columns else ""
        return f"{self.ref_schema}.{self.ref_table}{cols}"


@dataclass
class Index:
    """An index: made by CREATE INDEX, or the one a PRIMARY KEY/UNIQUE/EXCLUDE constraint owns."""

    schema: str
    name: str
    table: str
    keys: list[IndexKey]
    origin: Origin
    unique: bool = False
    method: str = "btree"
    include: tuple[str, ...] = ()
    predicate: Node | None = None
    nulls_not_distinct: bool = False
    options: tuple[tuple[str, str], ...] = ()
    constraint: str | None = None  # the constraint it belongs to

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def leading_columns(self) -> list[str | None]:
        """Key columns in order; None for an expression key."""
        return [key.column for key in self.keys]

    def columns_used(self) -> set[str]:
        from sqlkit.sql.tree import column_refs

        used = set(self.include)
        for key in self.keys:
            used |= key.columns_used
        if self.predicate is not None:
            used |= column_refs(self.predicate)
        return used

    def definition(self) -> tuple[object, ...]:
        """What makes two indexes on one table identical (their names aside)."""
        from sqlkit.sql.tree import canonical

        keys = tuple(
            (
                key.column if key.column is not None else canonical(key.expression),
                key.opclass,
                key.collation,
                key.descending,
                key.descending if key.nulls_first is None else key.nulls_first,
            )
            for key in self.keys
        )
        predicate = None if self.predicate is None else canonical(self.predicate)
        return (
            self.unique,
            self.method,
            keys,
            self.include,
            predicate,
            self.nulls_not_distinct,
            self.options,
        )

    def text(self) -> str:
        """`public.t (a, lower(b)) where ...`: for messages."""
        from sqlkit.sql.tree import deparse

        keys = ", ".join(
            key.column if key.column is not None else deparse(key.expression) for key in self.keys
        )
        where = f" where {deparse(self.predicate)}" if self.predicate is not None else ""
        using = f" using {self.method}" if self.method != "btree" else ""
        return f"{self.schema}.{self.table}{using} ({keys}){where}"


@dataclass
class Extension:
    name: str
    schema: str
    origin: Origin | None  # None: the target has it already (Supabase's preinstalled ones)
    version: str | None = None


@dataclass
class Table:
    schema: str
    name: str
    origin: Origin
    kind: str = "table"
    rls_enabled: bool = False
    rls_forced: bool = False
    rls_origin: Origin | None = None
    privileges: dict[str, set[str]] = field(default_factory=dict)
    # structure (empty for tables introspected from a live database: Model.has_structure)
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    partition_of: tuple[str, str] | None = None
    inherits: list[tuple[str, str]] = field(default_factory=list)
    moved_origin: Origin | None = None  # the last RENAME TO / SET SCHEMA that moved it
    # False when the files do not say every column (CREATE TABLE AS of a query sqlkit
    # cannot expand, LIKE or INHERITS of a table it does not know, pgmq's queue tables)
    columns_known: bool = True

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def primary_key(self) -> Constraint | None:
        for constraint in self.constraints.values():
            if constraint.kind == "primary":
                return constraint
        return None

    @property
    def foreign_keys(self) -> list[Constraint]:
        return [c for c in self.constraints.values() if c.kind == "foreign"]


@dataclass
class Policy:
    schema: str
    table: str
    name: str
    origin: Origin
    permissive: bool
    command: str
    roles: list[str]
    using: Packed | None  # read with sqlkit.sql.tree.unpack
    with_check: Packed | None
    text: str
    explicit_roles: bool = True
    facts: PolicyFacts | None = None  # None: not worked out yet (see `analysed`)
    # where SK204's calls are written: (path, ranges) of USING and of WITH CHECK, each in the
    # statement that gave the expression (ranges None: not all could be read back)
    using_calls: tuple[str, tuple[Range, ...] | None] = ("", ())
    check_calls: tuple[str, tuple[Range, ...] | None] = ("", ())

    @property
    def qualified_table(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def qualified_name(self) -> str:
        """`schema.table.policy`: how findings name a policy."""
        return f"{self.schema}.{self.table}.{self.name}"

    def analysed(self) -> PolicyFacts:
        """What its expressions say; from the file's analysis, or worked out now."""
        if self.facts is None:
            self.facts = analyse_policy(unpack(self.using), unpack(self.with_check), self.table)
        return self.facts


@dataclass
class View:
    schema: str
    name: str
    origin: Origin
    materialized: bool
    options: dict[str, str]
    relations: list[tuple[str | None, str]]
    privileges: dict[str, set[str]] = field(default_factory=dict)
    # output columns and their types ("" when unknown), fixed when the view is created
    # (`*` expanded then); None when sqlkit cannot tell them
    columns: dict[str, str] | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Unresolved:
    """A reference that does not resolve (SK120-SK123), found where PostgreSQL would bind it:
    when the statement runs in the migration, or at the end of the project for bodies
    stored as text."""

    code: str
    path: str
    span: Span
    message: str
    help: str | None = None
    object: str | None = None


@dataclass
class DefaultAcl:
    """Default privileges: global ones, plus per-schema ones that can only add."""

    global_roles: dict[str, set[str]] = field(default_factory=dict)  # role -> privileges
    schema_roles: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _resolved: dict[str, dict[str, set[str]]] = field(default_factory=dict, repr=False)

    def for_schema(self, schema: str) -> dict[str, set[str]]:
        """What a new object in `schema` gets (read-only: `changed()` after any edit)."""
        found = self._resolved.get(schema)
        if found is None:
            out = {role: set(privs) for role, privs in self.global_roles.items()}
            for role, privs in self.schema_roles.get(schema, {}).items():
                out.setdefault(role, set()).update(privs)
            found = self._resolved[schema] = {role: privs for role, privs in out.items() if privs}
        return found

    def changed(self) -> None:
        self._resolved.clear()


@dataclass(slots=True)
class Step:
    """A statement's event on a table, with what the table was just before it: the facts the
    migration-safety rules (SK4xx) judge, which the final model no longer shows. Replay
    records one for each lock a statement takes (`LockRelation`) and each change to a
    table's columns or constraints.

    "Existing" means there before the statement's file began: a table created earlier in the
    same file (one transaction) is new and empty, whatever happens to it; a table the files
    never create (made outside the project, like auth.users) exists.
    """

    event: Event
    table: str  # schema.name the statement resolves to (as written when unknown)
    existing: bool  # not created earlier in this file
    known: bool  # the files create it: its columns and constraints are modelled
    table_kind: str = "table"  # table | partitioned | foreign | view (a view's renames)
    column: Column | None = None  # the column named (ALTER/DROP/RENAME COLUMN), as it was
    column_existing: bool = True  # the column was there before this file began
    constraint_existing: bool = True  # VALIDATE: not added (NOT VALID) earlier in this file
    proven_not_null: frozenset[str] = frozenset()  # columns a validated CHECK proves NOT NULL
    index_exists: bool = False  # CREATE INDEX IF NOT EXISTS of an index that is there
    # the session's lock_timeout, TimeZone ("<name>:local" when set by SET LOCAL)
    settings: dict[str, str] = field(default_factory=dict)


@dataclass
class Model:
    """What the database would look like after every file is applied, in order."""

    target: str
    migration_role: str = "postgres"
    functions: dict[RoutineKey, Function] = field(default_factory=dict)
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    policies: dict[tuple[str, str, str], Policy] = field(default_factory=dict)
    views: dict[tuple[str, str], View] = field(default_factory=dict)
    role_parents: dict[str, set[str]] = field(default_factory=dict)
    noinherit: set[str] = field(default_factory=set)  # roles that do not use their parents' rights
    # schemas known to exist (created, provided by the target, or used qualified)
    existing_schemas: set[str] = field(default_factory=set)
    created_schemas: set[str] = field(default_factory=set)  # by CREATE SCHEMA in the files
    # schema -> role -> privileges (usage, create), for schemas whose privileges are known
    schema_privileges: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    secrets: list[Secret] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)  # what migrations do to tables (SK4xx)
    rejected: list[tuple[Origin, str]] = field(default_factory=list)  # statements PG refuses
    function_defaults: DefaultAcl = field(default_factory=DefaultAcl)
    table_defaults: DefaultAcl = field(default_factory=DefaultAcl)
    extensions: dict[str, Extension] = field(default_factory=dict)
    # True when tables carry their columns, constraints and indexes and extensions are known
    # (a model replayed from files); a live database's model is read without them
    has_structure: bool = False
    # what resolving references needs (sqlkit.model.binding): sequences, the schemas the
    # files create, names a session may create (temporary tables, tables a body creates,
    # transition tables), and what did not resolve where PostgreSQL binds it in a migration
    sequences: dict[tuple[str, str], Origin] = field(default_factory=dict)
    project_schemas: set[str] = field(default_factory=set)
    temp_relations: set[str] = field(default_factory=set)
    callables: set[str] = field(default_factory=set)  # aggregates' and types' names (SK122)
    # (context or operator, left, right) of the files' CREATE CAST (implicit, assignment) and
    # comparison CREATE OPERATOR statements: with pg_catalog's, what SK123 resolves with
    coercions: set[tuple[str, str, str]] = field(default_factory=set)
    unresolved: list[Unresolved] = field(default_factory=list)
    _by_name: dict[tuple[str, str], dict[RoutineKey, Function]] = field(default_factory=dict)
    _by_table: dict[tuple[str, str], dict[str, Policy]] = field(default_factory=dict)

    def add_function(self, function: Function) -> None:
        self.functions[function.key] = function
        self._by_name.setdefault((function.key.schema, function.key.name), {})[function.key] = (
            function
        )

    def remove_function(self, key: RoutineKey) -> None:
        self.functions.pop(key, None)
        self._by_name.get((key.schema, key.name), {}).pop(key, None)

    def routines_named(self, schema: str, name: str) -> list[Function]:
        return list(self._by_name.get((schema, name), {}).values())

    def roles_of(self, role: str) -> set[str]:
        """`role`, every role whose privileges it uses, and PUBLIC.

        A NOINHERIT role uses only its own privileges (and PUBLIC's), whatever roles it
        is a member of; an INHERIT member of it does not pass through it either.
        """
        seen = {role, "public"}
        stack = [role]
        while stack:
            current = stack.pop()
            if current in self.noinherit:
                continue
            for parent in self.role_parents.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def can_use_schema(self, schema: str, role: str) -> bool:
        """USAGE on the schema for `role`; True where the schema's privileges are unknown."""
        holders = self.schema_privileges.get(schema)
        if holders is None:
            return True
        return any("usage" in holders.get(r, ()) for r in self.roles_of(role))

    def can_call(self, function: Function, role: str) -> bool:
        """`role` can call the function: EXECUTE, USAGE on its schema, and not a trigger."""
        return (
            not function.is_trigger
            and self.can_execute(function, role)
            and self.can_use_schema(function.schema, role)
        )

    def table_reachable(self, table: Table, roles: tuple[str, ...]) -> bool:
        """Any of `roles` holds a privilege on the table and USAGE on its schema."""
        for role in roles:
            if not self.can_use_schema(table.schema, role):
                continue
            for holder in self.roles_of(role) if role != "public" else {"public"}:
                if table.privileges.get(holder):
                    return True
        return False

    def can_execute(self, function: Function, role: str) -> bool:
        if role == "public":
            return "public" in function.execute
        return bool(self.roles_of(role) & function.execute)

    def execute_sources(self, function: Function, role: str) -> list[str]:
        """Which grantees give `role` EXECUTE (itself, PUBLIC, roles it inherits from)."""
        return sorted(self.roles_of(role) & function.execute)

    def add_policy(self, policy: Policy) -> None:
        self.policies[(policy.schema, policy.table, policy.name)] = policy
        self._by_table.setdefault((policy.schema, policy.table), {})[policy.name] = policy

    def remove_policy(self, schema: str, table: str, name: str) -> None:
        self.policies.pop((schema, table, name), None)
        self._by_table.get((schema, table), {}).pop(name, None)

    def remove_policies_on(self, schema: str, table: str) -> None:
        for name in self._by_table.pop((schema, table), {}):
            self.policies.pop((schema, table, name), None)

    def policies_on(self, schema: str, table: str) -> list[Policy]:
        return list(self._by_table.get((schema, table), {}).values())

    def can_access(self, privileges: dict[str, set[str]], role: str, privilege: str) -> bool:
        """Does `role` hold `privilege` on a relation with these grants (itself, PUBLIC, or a
        role it inherits from)?"""
        return any(privilege in privileges.get(r, ()) for r in self.roles_of(role))

    def relation_privileges(self, schema: str, name: str) -> dict[str, set[str]] | None:
        """Grants of a table, view or materialized view; None when there is no such relation."""
        table = self.tables.get((schema, name))
        if table is not None:
            return table.privileges
        view = self.views.get((schema, name))
        return view.privileges if view is not None else None

    def find_index(self, schema: str, name: str) -> tuple[Table, Index] | None:
        for (table_schema, _), table in self.tables.items():
            if table_schema == schema and name in table.indexes:
                return table, table.indexes[name]
        return None

    def resolve(self, ref: RoutineRef, search_path: list[str]) -> list[Function]:
        """Functions a GRANT/ALTER/DROP names (all overloads when args are unspecified)."""
        schemas = [ref.schema] if ref.schema else search_path
        for schema in schemas:
            candidates = self.routines_named(schema, ref.name)
            if ref.kind == "function":
                candidates = [c for c in candidates if not c.definition.is_procedure] or candidates
            elif ref.kind == "procedure":
                candidates = [c for c in candidates if c.definition.is_procedure] or candidates
            if ref.arg_types is not None:
                wanted = tuple(_bare_type(t) for t in ref.arg_types)
                candidates = [c for c in candidates if c.key.bare_arg_types == wanted]
            if candidates:
                return candidates
        return []


def _bare_type(type_: str) -> str:
    """Compare argument types without their schema (`public.t` ≡ `t`)."""
    return type_.rsplit(".", 1)[-1].lower()
