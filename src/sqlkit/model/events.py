"""Events: the plain, picklable facts about statements that the model replays.

`sqlkit.model.extract` makes them where files are parsed (possibly in worker
processes); `sqlkit.model.replay` applies them once, in migration order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlkit.sql.body import BodyFacts
from sqlkit.sql.policy import PolicyFacts
from sqlkit.sql.source import Span
from sqlkit.sql.tree import Node


@dataclass(frozen=True)
class Origin:
    """Where an event comes from: file, statement and span."""

    path: str
    statement: int
    span: Span


@dataclass(frozen=True)
class RoutineRef:
    """A function named by GRANT, ALTER, DROP or COMMENT: args None when unspecified."""

    schema: str | None
    name: str
    arg_types: tuple[str, ...] | None
    kind: str  # "function" | "procedure" | "routine"


@dataclass
class Arg:
    name: str
    type: str
    mode: str  # in | out | inout | variadic | table
    has_default: bool


@dataclass
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

    @property
    def arg_types(self) -> tuple[str, ...]:
        return tuple(a.type for a in self.args if a.mode in ("in", "inout", "variadic"))

    @property
    def is_trigger(self) -> bool:
        return self.returns in ("trigger", "event_trigger")


@dataclass
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


@dataclass
class DropRoutines:
    origin: Origin
    refs: list[RoutineRef]


@dataclass
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


@dataclass
class DefaultPrivileges:
    origin: Origin
    is_grant: bool
    schemas: list[str]  # empty: global
    object_type: str  # functions | tables | sequences | types | schemas
    privileges: list[str]
    grantees: list[str]
    for_roles: list[str] = field(default_factory=list)  # FOR ROLE: only objects they create


@dataclass
class GrantRole:
    origin: Origin
    is_grant: bool
    roles: list[str]
    members: list[str]


@dataclass
class CreateTable:
    origin: Origin
    schema: str | None
    name: str
    kind: str = "table"  # table | partitioned | foreign


@dataclass
class AlterTableRls:
    origin: Origin
    schema: str | None
    name: str
    enable: bool | None  # None: FORCE/NO FORCE only
    force: bool | None


@dataclass
class DropRelations:
    origin: Origin
    kind: str  # table | view
    names: list[tuple[str | None, str]]


@dataclass
class CreatePolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    permissive: bool
    command: str  # all | select | insert | update | delete
    roles: list[str]
    using: Node | None
    with_check: Node | None
    text: str
    explicit_roles: bool = True  # False: CREATE POLICY without TO (applies to PUBLIC)
    facts: PolicyFacts | None = None  # what its expressions say (worked out where parsed)


@dataclass
class AlterPolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    roles: list[str] | None
    using: Node | None
    with_check: Node | None


@dataclass
class DropPolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str


@dataclass
class CreateView:
    origin: Origin
    schema: str | None
    name: str
    replace: bool
    materialized: bool
    options: dict[str, str]
    relations: list[tuple[str | None, str]]


@dataclass
class AlterViewOptions:
    origin: Origin
    schema: str | None
    name: str
    options: dict[str, str]
    reset: list[str]


@dataclass
class SetSearchPath:
    """`SET search_path`, or `set_config('search_path', ...)` run as a statement."""

    origin: Origin
    schemas: list[str]


@dataclass
class CreateSchema:
    origin: Origin
    name: str


@dataclass
class DropSchemas:
    origin: Origin
    names: list[str]


@dataclass
class MoveRelation:
    """`ALTER TABLE|VIEW ... RENAME TO` / `SET SCHEMA`: the object, its RLS, policies and
    grants go with it."""

    origin: Origin
    kind: str  # table | view
    schema: str | None
    name: str
    new_schema: str | None = None
    new_name: str | None = None


@dataclass
class RenamePolicy:
    origin: Origin
    schema: str | None
    table: str
    name: str
    new_name: str


@dataclass
class RoleInherit:
    """`CREATE|ALTER ROLE r [NO]INHERIT`: whether r uses the privileges of roles it is in."""

    origin: Origin
    role: str
    inherit: bool


@dataclass
class CreateTrigger:
    origin: Origin
    schema: str | None
    table: str
    function_schema: str | None
    function_name: str
    transition_tables: list[str]  # REFERENCING NEW|OLD TABLE AS name


@dataclass
class Secret:
    """A credential written in SQL that reaches the database (SK116); never its text."""

    origin: Origin
    credential: str  # what it is, e.g. "a JWT (role service_role)"
    place: str  # function | procedure | table | role | database | setting
    schema: str | None  # of the function or table; None for the others
    name: str  # the object it is stored with ("" for a session setting)


Event = (
    RoutineDef
    | AlterRoutine
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
    | CreateSchema
    | DropSchemas
    | MoveRelation
    | RenamePolicy
    | RoleInherit
    | CreateTrigger
    | Secret
)
