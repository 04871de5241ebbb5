"""Types what SK123 checks, where sqlkit can be sure of them: the two sides of a comparison
and the value an INSERT or UPDATE writes into a column; and whether PostgreSQL has an
operator (after implicit casts) or an assignment cast for the pair.

`sqlkit.model.binding`'s Binder has these methods (`TypeChecks`) and calls them for the
`Comparison` and `Assignment` uses of the scopes it walks, so nothing is typed that the
binding does not reach. A type is certain when it is one of pg_catalog's base types (not an
array) that no type of the files shadows; everything else is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlkit.data import Catalog, catalog
from sqlkit.model.events import RoutineDef
from sqlkit.model.state import Model, Unresolved
from sqlkit.sql.refs import Assignment, Called, Comparison, Item, Operand

if TYPE_CHECKING:
    from sqlkit.model.binding import Env, Frame


class TypeChecks:
    """SK123's half of the Binder (see `sqlkit.model.binding.Binder`)."""

    model: Model
    catalog: Catalog
    supabase: bool
    closed: set[str]
    builtin_relations: frozenset[str]
    system_columns: frozenset[str]
    out: list[Unresolved]
    _owners: dict[str, list[str]] | None

    if TYPE_CHECKING:  # the Binder's

        def in_schema(
            self, schema: str, name: str
        ) -> tuple[bool | None, tuple[str, ...] | None]: ...

        def session_names(self) -> set[str]: ...

    def _comparison(self, use: Comparison, frames: list[Frame], env: Env) -> None:
        left = self._operand_type(use.left, frames, env)
        if left is None:
            return
        right = self._operand_type(use.right, frames, env)
        if right is None or _has_operator(use.op, left, right, self._coercions()):
            return
        operator = f"{_sql_name(left)} {use.op} {_sql_name(right)}"
        self.out.append(
            Unresolved(
                "SK123",
                env.path,
                use.span,
                f"{env.display} compares {_shown(use.left, left)} with "
                f"{_shown(use.right, right)}, but PostgreSQL has no operator {operator}, nor an "
                f"implicit cast that makes one apply: {env.consequence} (operator does not "
                f"exist: {operator})",
                f"give both sides one type: cast one to the other's (`::{_sql_name(left)}`, "
                f"`::{_sql_name(right)}`), or declare the parameter or variable with the "
                "column's type",
                object=env.object,
            )
        )

    def _coercions(self) -> frozenset[tuple[str, str, str]]:
        """The files' own casts and comparison operators (usually none)."""
        coercions = self.model.coercions
        return frozenset(coercions) if coercions else _NONE

    def _assignment(self, use: Assignment, frame: Frame, frames: list[Frame], env: Env) -> None:
        if use.item >= len(frame.items):
            return
        item, columns = frame.items[use.item]
        if isinstance(columns, str):
            return
        types = self._table_types(item, frames, env)
        target = self._certain_type(types[use.name]) if types and use.name in types else None
        if target is None:
            return
        value = self._operand_type(use.value, frames, env)
        if value is None or _assignable(value, target, self._coercions()):
            return
        table = f"{item.schema}.{item.relation}" if item.schema else item.relation
        self.out.append(
            Unresolved(
                "SK123",
                env.path,
                use.span,
                f"{env.display} writes {_shown(use.value, value)} into column {use.name} "
                f"({_sql_name(target)}) of {table}, but PostgreSQL has no assignment cast from "
                f"{_sql_name(value)} to {_sql_name(target)}: {env.consequence} (column "
                f'"{use.name}" is of type {_sql_name(target)} but expression is of type '
                f"{_sql_name(value)})",
                f"cast the value to the column's type (`::{_sql_name(target)}`), or declare the "
                "parameter or variable with the column's type",
                object=env.object,
            )
        )

    def _operand_type(self, operand: Operand, frames: list[Frame], env: Env) -> str | None:
        """A comparison side's type when sqlkit is sure of it: a pg_catalog base type (not
        an array) that no type of the files' shadows; None otherwise."""
        if isinstance(operand, str):
            return self._certain_type(operand)
        if isinstance(operand, Called):
            return self._call_type(operand)
        parts = operand
        types: dict[str, str] | None
        if len(parts) == 2:
            qualifier, name = parts
            for frame in frames:
                if (named := frame.named(qualifier)) is not None:
                    item, columns = named
                    if qualifier in env.variables or isinstance(columns, str):
                        return None  # a record or label named like the item; a missing one
                    types = self._table_types(item, frames, env)
                    return self._certain_type(types[name]) if types and name in types else None
            # no FROM item of that name: `new.c`, `function.parameter`
            typ = env.types.get(f"{qualifier}.{name}") if env.types else None
            return self._certain_type(typ) if typ is not None else None
        name = parts[0]
        for frame in frames:
            found: dict[str, str] | None = None
            count = 0
            for item, columns in frame.items:
                if item.name == name:
                    return None  # the whole row
                types = None
                if columns is None:  # a table of the caller's path (see _table_schema)
                    types = self._table_types(item, frames, env)
                    if types is None:
                        return None  # an item whose columns are not known may have it
                    has = name in types or name in self.system_columns
                elif isinstance(columns, str):
                    return None
                else:
                    has = name in columns
                if has:
                    count += 1
                    found = types if types is not None else self._table_types(item, frames, env)
            if count > 1 or (count == 1 and name in env.variables):
                return None  # ambiguous (or merged by USING); a column and a variable
            if count == 1:
                return self._certain_type(found[name]) if found and name in found else None
        typ = env.types.get(name) if env.types and name in env.variables else None
        return self._certain_type(typ) if typ is not None else None

    def _call_type(self, call: Called) -> str | None:
        """What a Supabase platform function the shim describes returns (`auth.uid()`: uuid),
        unless the files create a function of that name."""
        if not self.supabase or self.model.routines_named(call.schema, call.name):
            return None
        typ = self.catalog.platform_returns.get(f"{call.schema}.{call.name}")
        return self._certain_type(typ) if typ is not None else None

    def _table_types(self, item: Item, frames: list[Frame], env: Env) -> dict[str, str] | None:
        """Column name -> declared type of a FROM item that is a table of the model whose
        every column is known (or `auth.users`); None for anything else."""
        relation = item.relation
        if relation is None or item.query is not None or item.call is not None:
            return None
        if item.opaque or item.colnames:
            return None
        schema = item.schema
        if schema is None:
            if any(f.ctes is not None and relation in f.ctes for f in frames):
                return None
            schema = self._table_schema(relation, env)
            if schema is None:
                return None
        table = self.model.tables.get((schema, relation))
        if table is None:
            if self.supabase and schema in ("auth", "storage"):
                platform = self.catalog.platform_tables.get(f"{schema}.{relation}")
                if platform is not None and platform[1]:
                    return platform[0]
            return None
        if not table.columns_known or not table.columns:
            return None
        return {name: column.type_name for name, column in table.columns.items()}

    def _table_schema(self, name: str, env: Env) -> str | None:
        """The schema of the table an unqualified name reaches, when sure (a temporary
        table, a view or a relation sqlkit cannot see first on the path makes it unsure)."""
        if name in self.session_names() or name in self.builtin_relations:
            return None
        if env.search_path is None:
            # the caller's path: only a name that one table of the files has, in a schema
            # they own, and no other relation
            if not env.any_schema:
                return None
            if self._owners is None:
                self._owners = {}
                model = self.model
                for keys in (model.tables, model.views, model.sequences):
                    for schema, relation in keys:
                        self._owners.setdefault(relation, []).append(schema)
            owners = self._owners.get(name, [])
            if len(owners) != 1 or owners[0] not in self.closed:
                return None
            return owners[0] if (owners[0], name) in self.model.tables else None
        for candidate in env.search_path:
            if (candidate, name) in self.model.tables:
                return candidate
            found, _ = self.in_schema(candidate, name)
            if found is not False:
                return None  # a view, a sequence, or a schema sqlkit cannot see into
        return None

    def _certain_type(self, name: str) -> str | None:
        if name in self.catalog.types and name not in self.model.callables:
            return name
        return None


_NONE: frozenset[tuple[str, str, str]] = frozenset()


@lru_cache(maxsize=1024)
def _has_operator(
    op: str, left: str, right: str, coercions: frozenset[tuple[str, str, str]] = _NONE
) -> bool:
    """Does PostgreSQL find an operator `left op right`: one taking these types, or types
    both sides reach by one implicit cast? pg_catalog's, and the files' own `coercions`
    (CREATE OPERATOR, CREATE CAST ... AS IMPLICIT). Polymorphic ones take arrays, enums,
    ranges and records, which SK123 never types. When several apply PostgreSQL may still
    refuse the call as ambiguous; that is not reported."""
    known = catalog()
    pairs = known.comparisons.get(op)
    if not pairs or (left, right) in pairs:
        return True
    lefts, rights = {left}, {right}
    for reached, start in ((lefts, left), (rights, right)):
        reached.update(t for t, how in known.casts.get(start, {}).items() if how == "i")
        reached.update(b for kind, a, b in coercions if kind == "i" and a == start)
    if any(a in lefts and b in rights for a, b in pairs):
        return True
    # the files' operators; a type sqlkit does not know (a domain, which its base type
    # reaches, a type of the files) may be reached by anything
    types = known.types
    return any(
        kind == op and (a in lefts or a not in types) and (b in rights or b not in types)
        for kind, a, b in coercions
    )


@lru_cache(maxsize=1024)
def _assignable(
    value: str, target: str, coercions: frozenset[tuple[str, str, str]] = _NONE
) -> bool:
    """Does PostgreSQL store a `value` in a `target` column (INSERT, UPDATE)? The same type,
    an implicit or assignment cast (pg_catalog's or the files'), or any type into a string
    type (through its text)."""
    known = catalog()
    return (
        value == target
        or known.casts.get(value, {}).get(target) in ("i", "a")
        or known.types.get(target) == "S"
        or any(kind in ("i", "a") and (a, b) == (value, target) for kind, a, b in coercions)
    )


def _shown(operand: Operand, typ: str) -> str:
    if isinstance(operand, str):
        return f"a value of type {_sql_name(typ)}"
    if isinstance(operand, Called):
        return f"{operand.schema}.{operand.name}() ({_sql_name(typ)})"
    return f"{'.'.join(operand)} ({_sql_name(typ)})"


def _sql_name(typ: str) -> str:
    """A type as PostgreSQL's messages write it (`integer`, not `int4`)."""
    return _SQL_NAMES.get(typ, typ)


_SQL_NAMES = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "bpchar": "character",
    "varchar": "character varying",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "timetz": "time with time zone",
    "time": "time without time zone",
}


def row_types(model: Model, tables: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`new.c`/`old.c` -> type, for the columns every table a trigger fires on has with one
    type (SK123)."""
    common: dict[str, str] | None = None
    for key in tables:
        table = model.tables.get(key)
        if table is None or not table.columns_known or not table.columns:
            return {}
        types = {name: column.type_name for name, column in table.columns.items()}
        common = types if common is None else {n: t for n, t in common.items() if types.get(n) == t}
    return {f"{row}.{n}": t for n, t in (common or {}).items() for row in ("new", "old")}


def variable_types(definition: RoutineDef) -> dict[str, str]:
    """The declared types of a body's parameters and PL/pgSQL variables (those with one type
    wherever they are declared), also as `function.parameter`."""
    facts = definition.body
    plpgsql = facts.plpgsql if facts is not None else None
    if plpgsql is not None:
        types = dict(plpgsql.types)  # parameters too, as PL/pgSQL declares them
        params = [a.name for a in definition.args if a.name in types]
    else:
        types = {a.name: a.type for a in definition.args if a.name and a.mode in ("in", "inout")}
        params = list(types)
    for param in params:
        types[f"{definition.name}.{param}"] = types[param]
    return types
