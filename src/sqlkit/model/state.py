"""The replayed project model: tables, policies, views, functions and privileges."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlkit.model.events import Origin, RoutineDef, RoutineRef
from sqlkit.sql.tree import Node


@dataclass(frozen=True)
class RoutineKey:
    """`schema.name(identity argument types)`: how Postgres tells overloads apart."""

    schema: str
    name: str
    arg_types: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}({', '.join(self.arg_types)})"


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

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Policy:
    schema: str
    table: str
    name: str
    origin: Origin
    permissive: bool
    command: str
    roles: list[str]
    using: Node | None
    with_check: Node | None
    text: str
    explicit_roles: bool = True

    @property
    def qualified_table(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass
class View:
    schema: str
    name: str
    origin: Origin
    materialized: bool
    options: dict[str, str]
    relations: list[tuple[str | None, str]]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class DefaultAcl:
    """Default privileges: global ones, plus per-schema ones that can only add."""

    global_roles: dict[str, set[str]] = field(default_factory=dict)  # role -> privileges
    schema_roles: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def for_schema(self, schema: str) -> dict[str, set[str]]:
        out = {role: set(privs) for role, privs in self.global_roles.items()}
        for role, privs in self.schema_roles.get(schema, {}).items():
            out.setdefault(role, set()).update(privs)
        return {role: privs for role, privs in out.items() if privs}


@dataclass
class Model:
    """What the database would look like after every file is applied, in order."""

    target: str
    functions: dict[RoutineKey, Function] = field(default_factory=dict)
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    policies: dict[tuple[str, str, str], Policy] = field(default_factory=dict)
    views: dict[tuple[str, str], View] = field(default_factory=dict)
    role_parents: dict[str, set[str]] = field(default_factory=dict)
    function_defaults: DefaultAcl = field(default_factory=DefaultAcl)
    table_defaults: DefaultAcl = field(default_factory=DefaultAcl)
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
        """`role`, every role it inherits from, and PUBLIC."""
        seen = {role, "public"}
        stack = [role]
        while stack:
            for parent in self.role_parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

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
                candidates = [
                    c for c in candidates if tuple(_bare_type(t) for t in c.key.arg_types) == wanted
                ]
            if candidates:
                return candidates
        return []


def _bare_type(type_: str) -> str:
    """Compare argument types without their schema (`public.t` ≡ `t`)."""
    return type_.rsplit(".", 1)[-1].lower()
