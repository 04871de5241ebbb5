"""Events: the plain, picklable facts about statements that the model replays.

`sqlkit.model.extract` makes them where files are parsed (possibly in worker
processes); `sqlkit.model.replay` applies them once, in migration order.

Events compare by identity (`eq=False`): nothing compares two events, and each generated
`__eq__` costs import time on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlkit.sql.body import BodyFacts
from sqlkit.sql.policy import PolicyFacts
from sqlkit.sql.refs import Scope
from sqlkit.sql.source import Range, Span
from sqlkit.sql.tree import Node, Packed


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an event comes from: file, statement and span."""

    path: str
    statement: int
    span: Span
    # where a fix may add a statement after this one: the end of the line of its closing
    # semicolon (an insertion point); None inside a DO block, for a statement without a
    # semicolon, or with more code after it on its line
    after: Range | None = None

    def __reduce__(self) -> tuple[type[Origin], tuple[str, int, Span, Range | None]]:
        # pickled by its constructor: the __setstate__ generated for a frozen slotted
        # dataclass looks up its fields for every object, and the lint cache loads thousands
        return (Origin, (self.path, self.statement, self.span, self.after))


@dataclass(frozen=True, slots=True)
class RoutineRef:
    """A function named by GRANT, ALTER, DROP or COMMENT: args None when unspecified."""

    schema: str | None
    name: str
    arg_types: tuple[str, ...] | None
    kind: str  # "function" | "procedure" | "routine"

    def __reduce__(
        self,
    ) -> tuple[type[RoutineRef], tuple[str | None, str, tuple[str, ...] | None, str]]:
        return (RoutineRef, (self.schema, self.name, self.arg_types, self.kind))  # as Origin


@dataclass(slots=True, eq=False)
class Arg:
    name: str
    type: str
    mode: str  # in | out | inout | variadic | table
    has_default: bool


@dataclass(slots=True, eq=False)
class RoutineDef:
    """A CREATE [OR REPLACE] FUNCTION/PROCEDURE statement, analysed."""

    origin: Origin
    schema: str | None
    name: str
    args: list[Arg]
    returns: str
    is_procedure: bool
    replace: bool
    language: str
    security_definer: bool
    security_span: Span | None
    definer_reason: bool
    volatility: str | None  # None: not written (VOLATILE by default)
    strict: bool
    config: dict[str, str]
    config_spans: dict[str, Span]
    body: BodyFacts | None
    atomic: bool = False  # BEGIN ATOMIC / RETURN body, resolved at creation
    # where fixes edit the statement (checked against the text; None where it could not be):
    # the value of a `SET name = value` clause (`FROM CURRENT` included), the written
    # volatility keyword, and the point where a new clause goes (before AS, else before the
    # first option) with what separates it from the next one (" ", or a line break and the
    # indentation when the clause starts its line) and whether keywords are upper case
    config_value_ranges: dict[str, Range] = field(default_factory=dict)
    volatility_range: Range | None = None
    clause_point: Range | None = None
    clause_sep: str = " "
    clause_upper: bool = False

    @property
    def arg_types(self) -> tuple[str, ...]:
        return tuple(a.type for a in self.args if a.mode in ("in", "inout", "variadic"))

    @property
    def is_trigger(self) -> bool:
        return self.returns in ("trigger", "event_trigger")


@dataclass(slots=True, eq=False)
class CommentRoutine:
    """`COMMENT ON FUNCTION|PROCEDURE|ROUTINE`: whether its text says why the routine is
    SECURITY DEFINER (pg_dump keeps these comments, not the ones in the source)."""

    origin: Origin
    ref: RoutineRef
    definer_reason: bool


@dataclass(slots=True, eq=False)
class AlterRoutine:
    origin: Origin
    ref: RoutineRef
    set_config: dict[str, str] = field(default_factory=dict)
    config_spans: dict[str, Span] = field(default_factory=dict)
    reset: list[str] = field(default_factory=list)  # names, or ["ALL"]
    security_definer: bool | None = None
    definer_reason: bool = False
    volatility: str | None = None
    strict: bool | None = None
    new_name: str | None = None
    new_schema: str | None = None
    config_value_ranges: dict[str, Range] = field(default_factory=dict)  # as in RoutineDef


@dataclass(slots=True, eq=False)
class DropRoutines:
    origin: Origin
    refs: list[RoutineRef]


@dataclass(slots=True, eq=False)
class Grant:
    """GRANT/REVOKE on objects or ALL ... IN SCHEMA."""

    origin: Origin
    is_grant: bool
    object_type: str  # function | procedure | routine | table | sequence | schema | other
    privileges: list[str]  # lower-case; ["all"] for ALL
    grantees: list[str]
    routines: list[RoutineRef] = field(default_factory=list)
    tables: list[tuple[str | None, str]] = field(default_factory=list)
    all_in_schemas: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)  # GRANT/REVOKE ... ON SCHEMA


@dataclass(slots=True, eq=False)
class DefaultPrivileges:
    origin: Origin
    is_grant: bool
    schemas: list[str]  # empty: global
    object_type: str  # functions | tables | sequences | types | schemas
    privileges: list[str]
    grantees: list[str]
    for_roles: list[str] = field(default_factory=list)  # FOR ROLE: only objects they create


@dataclass(slots=True, eq=False)
class GrantRole:
    origin: Origin
    is_grant: bool
    roles: list[str]
    members: list[str]


@dataclass(slots=True, eq=False)
class CreateTable:
    origin: Origin
    schema: str | None
    name: str
    kind: str = "table"  # table | partitioned | foreign
    if_not_exists: bool = False


@dataclass(slots=True, eq=False)
class AlterTableRls:
    origin: Origin
    schema: str | None
    name: str
    enable: bool | None  # None: FORCE/NO FORCE only
    force: bool | None


@dataclass(slots=True, eq=False)
class DropRelations:
    origin: Origin
    kind: str  # table | view
    names: list[tuple[str | None, str]]
    cascade: bool = False


@dataclass(slots=True, eq=False)
class CreatePolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    permissive: bool
    command: str  # all | select | insert | update | delete
    roles: list[str]
    using: Packed | None  # the USING tree (sqlkit.sql.tree.Packed: read with unpack)
    with_check: Packed | None
    text: str
    explicit_roles: bool = True  # False: CREATE POLICY without TO (applies to PUBLIC)
    facts: PolicyFacts | None = None  # what its expressions say (worked out where parsed)
    # where the calls SK204 reports are written in USING and WITH CHECK (None: not every one
    # could be read back from the text)
    using_calls: tuple[Range, ...] | None = ()
    check_calls: tuple[Range, ...] | None = ()
    refs: Scope | None = None  # what USING and WITH CHECK refer to (sqlkit.sql.refs)


@dataclass(slots=True, eq=False)
class AlterPolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    roles: list[str] | None
    using: Packed | None  # the USING tree (sqlkit.sql.tree.Packed: read with unpack)
    with_check: Packed | None
    using_calls: tuple[Range, ...] | None = ()  # as in CreatePolicy
    check_calls: tuple[Range, ...] | None = ()
    refs: Scope | None = None


@dataclass(slots=True, eq=False)
class DropPolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str


@dataclass(slots=True, eq=False)
class CreateView:
    origin: Origin
    schema: str | None
    name: str
    replace: bool
    materialized: bool
    options: dict[str, str]
    relations: list[tuple[str | None, str]]
    query: Scope | None = None  # what the query refers to; its outputs are the columns
    column_names: tuple[str, ...] = ()  # CREATE VIEW v (a, b): names for the first outputs


@dataclass(slots=True, eq=False)
class AlterViewOptions:
    origin: Origin
    schema: str | None
    name: str
    options: dict[str, str]
    reset: list[str]


@dataclass(slots=True, eq=False)
class SetSearchPath:
    """`SET search_path`, or `set_config('search_path', ...)` run as a statement."""

    origin: Origin
    schemas: list[str]


# ------------------------------------------------------------------ table structure
@dataclass(eq=False)
class ColumnSpec:
    """A column as a CREATE TABLE or ADD COLUMN writes it."""

    name: str
    type: str  # as written: `varchar(20)`, `timestamp with time zone`, `public.mood[]`
    type_name: str  # normalised: `varchar`, `timestamptz`, `public.mood[]`
    not_null: bool = False
    default: Node | None = None  # the DEFAULT expression's parse tree
    generated: str | None = None  # "stored" | "virtual"
    identity: str | None = None  # "always" | "by default"


@dataclass(eq=False)
class ConstraintSpec:
    """A table constraint as written (inline on a column, or as a table element)."""

    kind: str  # primary | unique | foreign | check | exclude | not_null
    name: str | None  # None: Postgres chooses one (sqlkit.model.names)
    columns: tuple[str, ...]
    span: Span  # where it is written
    ref_schema: str | None = None  # foreign: the referenced table
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()  # foreign: () references the primary key
    on_delete: str = "no action"
    on_update: str = "no action"
    not_valid: bool = False
    expression: Node | None = None  # check: the expression's parse tree
    include: tuple[str, ...] = ()  # primary/unique: INCLUDE columns
    nulls_not_distinct: bool = False
    using_index: str | None = None  # ADD CONSTRAINT ... USING INDEX name
    method: str = "btree"  # exclude: the index method
    keys: tuple[IndexKey, ...] = ()  # exclude: the index keys


@dataclass(eq=False)
class IndexKey:
    """One key of an index: a column or an expression, with its opclass and ordering."""

    column: str | None  # a plain column
    expression: Node | None = None  # an expression's parse tree (locations kept)
    opclass: str | None = None
    collation: str | None = None
    descending: bool = False
    nulls_first: bool | None = None  # None: the default for the direction

    @property
    def columns_used(self) -> set[str]:
        if self.column is not None:
            return {self.column}
        from sqlkit.sql.tree import column_refs

        return column_refs(self.expression)


@dataclass(eq=False)
class DefineTable:
    """What a CREATE TABLE defines beyond its name: columns, constraints, LIKE, partitions."""

    origin: Origin
    schema: str | None
    name: str
    columns: list[ColumnSpec]
    constraints: list[ConstraintSpec]
    # LIKE clauses: (schema, table, options, how many of `columns` are written before it)
    like: list[tuple[str | None, str, int, int]] = field(default_factory=list)
    partition_of: tuple[str | None, str] | None = None
    inherits: list[tuple[str | None, str]] = field(default_factory=list)
    if_not_exists: bool = False


@dataclass(eq=False)
class CreateIndex:
    origin: Origin
    schema: str | None  # the table's (an index lives in its table's schema)
    table: str
    name: str | None  # None: Postgres chooses one
    keys: list[IndexKey]
    unique: bool = False
    method: str = "btree"
    include: tuple[str, ...] = ()
    predicate: Node | None = None  # WHERE of a partial index
    nulls_not_distinct: bool = False
    options: tuple[tuple[str, str], ...] = ()  # WITH (...)
    if_not_exists: bool = False


@dataclass(eq=False)
class AddColumn:
    origin: Origin
    schema: str | None
    table: str
    column: ColumnSpec
    constraints: list[ConstraintSpec]
    if_not_exists: bool = False


@dataclass(eq=False)
class DropColumn:
    origin: Origin
    schema: str | None
    table: str
    column: str
    cascade: bool = False


@dataclass(eq=False)
class AlterColumn:
    """ALTER COLUMN ... TYPE / SET|DROP NOT NULL / SET|DROP DEFAULT."""

    origin: Origin
    schema: str | None
    table: str
    column: str
    type: str | None = None
    type_name: str | None = None
    not_null: bool | None = None
    default: Node | None = None
    drop_default: bool = False
    using: Node | None = None  # TYPE ... USING expression


@dataclass(eq=False)
class AddConstraint:
    origin: Origin
    schema: str | None
    table: str
    constraint: ConstraintSpec


@dataclass(eq=False)
class DropConstraint:
    origin: Origin
    schema: str | None
    table: str
    name: str
    cascade: bool = False


@dataclass(eq=False)
class ValidateConstraint:
    origin: Origin
    schema: str | None
    table: str
    name: str


@dataclass(eq=False)
class RenameColumn:
    origin: Origin
    schema: str | None
    table: str
    old: str
    new: str


@dataclass(eq=False)
class RenameConstraint:
    origin: Origin
    schema: str | None
    table: str
    old: str
    new: str


@dataclass(eq=False)
class RenameRelation:
    """ALTER TABLE/INDEX ... RENAME TO: the relation keeps its columns, constraints, grants."""

    origin: Origin
    kind: str  # table | index
    schema: str | None
    old: str
    new: str


@dataclass(eq=False)
class AttachPartition:
    """ALTER TABLE parent ATTACH PARTITION child (`detach`: DETACH PARTITION)."""

    origin: Origin
    schema: str | None
    parent: str
    child_schema: str | None
    child: str
    detach: bool = False


@dataclass(eq=False)
class DropIndexes:
    origin: Origin
    names: list[tuple[str | None, str]]


@dataclass(eq=False)
class CreateExtension:
    origin: Origin
    name: str
    schema: str | None  # None: the session's creation schema (or the extension's own)
    version: str | None = None
    if_not_exists: bool = False


@dataclass(eq=False)
class AlterExtension:
    origin: Origin
    name: str
    new_schema: str | None = None
    version: str | None = None


@dataclass(eq=False)
class DropExtensions:
    origin: Origin
    names: list[str]


@dataclass(eq=False)
class CreateSchema:
    origin: Origin
    name: str
    with_elements: bool = False  # CREATE SCHEMA s CREATE TABLE ...: objects sqlkit does not model


@dataclass(eq=False)
class DropSchemas:
    origin: Origin
    names: list[str]


@dataclass(eq=False)
class CreateQueue:
    """`select pgmq.create('name')`: pgmq makes the tables pgmq.q_<name> and pgmq.a_<name>
    (`drop`: `pgmq.drop_queue('name')` drops them)."""

    origin: Origin
    name: str
    drop: bool = False


@dataclass(eq=False)
class MoveRelation:
    """`ALTER TABLE|VIEW ... RENAME TO` / `SET SCHEMA`: the object, its RLS, policies and
    grants go with it."""

    origin: Origin
    kind: str  # table | view
    schema: str | None
    name: str
    new_schema: str | None = None
    new_name: str | None = None


@dataclass(eq=False)
class RenamePolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    new_name: str


@dataclass(eq=False)
class RoleInherit:
    """`CREATE|ALTER ROLE r [NO]INHERIT`: whether r uses the privileges of roles it is in."""

    origin: Origin
    role: str
    inherit: bool


@dataclass(eq=False)
class CreateTrigger:
    origin: Origin
    schema: str | None
    table: str
    function_schema: str | None
    function_name: str
    transition_tables: list[str]  # REFERENCING NEW|OLD TABLE AS name


@dataclass(slots=True, eq=False)
class CreateSequence:
    origin: Origin
    schema: str | None
    name: str


@dataclass(slots=True, eq=False)
class CreateCallable:
    """CREATE AGGREGATE, or a type (CREATE TYPE/DOMAIN; `t(x)` casts to it): a name a call
    may use that is no function the model keeps. Only the name is kept (SK122)."""

    origin: Origin
    name: str


@dataclass(slots=True, eq=False)
class CreateCoercion:
    """CREATE CAST (implicit or assignment) or CREATE OPERATOR of a comparison: PostgreSQL
    then accepts pairs of types that pg_catalog's casts and operators do not (SK123)."""

    origin: Origin
    kind: str  # the cast's context (`i`, `a`) or the operator (`=`, `<`, ...)
    left: str  # the cast's source, the operator's left type
    right: str  # the cast's target, the operator's right type


@dataclass(slots=True, eq=False)
class TempRelation:
    """CREATE TEMP TABLE / VIEW / SEQUENCE: not part of the schema, but a session (and the
    functions it calls) may read it by name."""

    origin: Origin
    name: str


@dataclass(eq=False)
class Secret:
    """A credential written in SQL that reaches the database (SK116); never its text."""

    origin: Origin
    credential: str  # what it is, e.g. "a JWT (role service_role)"
    place: str  # function | procedure | table | role | database | setting
    schema: str | None  # of the function or table; None for the others
    name: str  # the object it is stored with ("" for a session setting)


# ------------------------------------------------------------------- migration safety
@dataclass(eq=False)
class LockRelation:
    """A lock a statement takes on a table: what the migration-safety rules (SK4xx) judge.

    `mode` is PostgreSQL's table-level lock mode as SQL spells it (`ACCESS EXCLUSIVE`,
    `SHARE`, ...; sqlkit.model.locks). `relation` says what `schema.name` names: a table, an
    index (DROP INDEX, REINDEX INDEX: the lock is on its table too), a schema or the whole
    database (REINDEX SCHEMA, VACUUM FULL without a table: every table in it).
    """

    origin: Origin
    schema: str | None
    name: str
    mode: str
    operation: str  # the statement, as SQL: "CREATE INDEX", "ALTER TABLE", "VACUUM FULL", ...
    relation: str = "table"  # table | index | schema | database | view (its renames)
    concurrently: bool = False
    if_exists: bool = False  # a name the files never create may not exist at all
    index: str | None = None  # CREATE INDEX IF NOT EXISTS: its name (nothing is built if there)


@dataclass(eq=False)
class RefusedInTransaction:
    """A statement PostgreSQL refuses inside a transaction block (sqlkit.sql.transaction)."""

    origin: Origin
    what: str  # "CREATE INDEX CONCURRENTLY", "VACUUM", ...


@dataclass(eq=False)
class SetSetting:
    """`SET [LOCAL] name = value`, `RESET name` (value None) or `set_config('name', value,
    is_local)` of a setting the migration-safety rules read: lock_timeout, TimeZone."""

    origin: Origin
    name: str  # lower-case: lock_timeout | timezone | all (RESET ALL)
    value: str | None
    local: bool = False


Event = (
    RoutineDef
    | AlterRoutine
    | CommentRoutine
    | DropRoutines
    | Grant
    | DefaultPrivileges
    | GrantRole
    | CreateTable
    | AlterTableRls
    | DropRelations
    | CreatePolicy
    | AlterPolicy
    | DropPolicy
    | CreateView
    | AlterViewOptions
    | SetSearchPath
    | DefineTable
    | CreateIndex
    | AddColumn
    | DropColumn
    | AlterColumn
    | AddConstraint
    | DropConstraint
    | ValidateConstraint
    | RenameColumn
    | RenameConstraint
    | RenameRelation
    | AttachPartition
    | DropIndexes
    | CreateExtension
    | AlterExtension
    | DropExtensions
    | CreateQueue
    | CreateSchema
    | DropSchemas
    | MoveRelation
    | RenamePolicy
    | RoleInherit
    | CreateTrigger
    | CreateSequence
    | CreateCallable
    | CreateCoercion
    | TempRelation
    | Secret
    | LockRelation
    | RefusedInTransaction
    | SetSetting
)
