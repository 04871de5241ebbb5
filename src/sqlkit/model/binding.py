"""Resolves what SQL refers to (`sqlkit.sql.refs`) against the model: relations that do not
exist (SK120), columns their relation does not have (SK121), calls that no function
takes (SK122), and (with `sqlkit.model.typecheck`) values of certain types that PostgreSQL
cannot compare or store (SK123).

PostgreSQL binds names at different times, and so does this: views and policies when
their statement runs in the migration (`Replayer` calls `check_view`/`check_policy`, and
the result stays in `Model.unresolved`), function bodies stored as text at the end of the
project (`check_function`), so a later rename or drop that breaks them is found there.

Only what the model can be sure of is reported: a relation in a schema the files create
(`public` once they create a relation in it) with no extension installed in it, in
pg_catalog, or one of the Supabase platform tables the shim describes; a column of a
relation whose every column is known.
A name that could mean something sqlkit does not model (a variable, a relation created by
dynamic SQL, an extension's table) is not reported, and nothing reached through a
relation that was already reported is (no cascades).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlkit.data import builtins, catalog, parse_arities
from sqlkit.model.events import Arg, RoutineDef
from sqlkit.model.state import Function, Model, Unresolved
from sqlkit.model.typecheck import TypeChecks, row_types, variable_types
from sqlkit.sql.refs import (
    Assignment,
    CallUse,
    ColumnUse,
    Comparison,
    Item,
    RelationUse,
    Scope,
    TargetColumn,
)
from sqlkit.sql.source import Span
from sqlkit.sql.values import quote_ident, search_path_schemas

# every table has these, though `*` does not show them
SYSTEM_COLUMNS = frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"})
MISSING = "missing"  # a relation that was reported: what goes through it is not
Columns = tuple[str, ...] | None | str  # known names, None (cannot tell) or MISSING


@dataclass(slots=True)
class Env:
    """What a piece of SQL's names can mean besides relations and columns."""

    path: str  # where findings are reported
    # None: unqualified relations are not judged (an empty path: SK106 reports them), or,
    # with `any_schema`, the caller's path decides: a name no schema has is reported
    search_path: list[str] | None
    variables: frozenset[str] = frozenset()  # parameters, PL/pgSQL variables and labels
    object: str | None = None  # how findings name it (`public.v`, `public.f(int4)`)
    display: str = "the statement"  # how messages name it (`view public.v`)
    when: str = "at this point of the project"
    consequence: str = "PostgreSQL rejects the statement and the migration stops"
    any_schema: bool = False
    session: bool = False  # `search_path` is the migration session's (not a function's SET)
    types: dict[str, str] | None = None  # the declared types of `variables`, where certain
    # PL/pgSQL names that make a column of the same name ambiguous (SK124)
    conflicting: frozenset[str] = frozenset()


@dataclass(slots=True)
class Frame:
    """One query level's FROM items, resolved: (item, its columns)."""

    items: list[tuple[Item, Columns]]
    outputs: list[str] | None = None
    ctes: dict[str, Columns] | None = None  # WITH names visible from this level down

    def named(self, qualifier: str) -> tuple[Item, Columns] | None:
        """The visible FROM item that `qualifier.column` names at this level, if any."""
        return next(((i, c) for i, c in self.items if i.name == qualifier and not i.hidden), None)


class Binder(TypeChecks):
    """Resolves scopes against one state of the model (and types what SK123 checks)."""

    system_columns = SYSTEM_COLUMNS

    def __init__(self, model: Model) -> None:
        self.model = model
        self.catalog = catalog()
        self.builtin_relations = builtins().relations
        self.builtin_functions = builtins().functions
        self.supabase = model.target == "supabase"
        open_schemas = {e.schema for e in model.extensions.values() if e.name != "plpgsql"}
        # public counts as the project's once the files create a relation in it (a snippet
        # that only reads tables made elsewhere is not judged)
        defined = set(model.project_schemas)
        if any(s == "public" for keys in (model.tables, model.views) for s, _ in keys):
            defined.add("public")
        self.closed = defined - open_schemas - {"pg_catalog"}
        # schemas that are open only for the extensions in them: an unqualified call no
        # installed extension provides (`unqualified_judged`) is judged there too
        known = defined | ({"extensions"} if self.supabase else set())
        self.extension_schemas = (known & open_schemas) - {"pg_catalog"}
        self.out: list[Unresolved] = []
        # worked out on the first name that is not found (most never are)
        self._bare_names: set[str] | None = None
        self._routine_names: dict[str, list[Function]] | None = None
        self._owners: dict[str, list[str]] | None = None  # relation name -> its schemas

    # -- relations -----------------------------------------------------------------------
    def relation(
        self, schema: str | None, name: str, env: Env
    ) -> tuple[bool | None, tuple[str, ...] | None]:
        """(exists: True, False or None when sqlkit cannot tell; its columns when known)."""
        if schema is not None:
            return self.in_schema(schema, name)
        if env.search_path is None:
            if not env.any_schema or name in self.builtin_relations or name in self.bare_names():
                return None, None
            extension_relations = self.extension_relations()
            if extension_relations is None or name in extension_relations:
                return None, None
            verdict: bool | None = False
        else:
            verdict = False
            for candidate in ["pg_catalog", *env.search_path]:
                found, columns = self.in_schema(candidate, name)
                if found:
                    return True, columns
                if found is None:
                    verdict = None
        if verdict is False and name in self.session_names():
            return None, None
        return verdict, None

    def session_names(self) -> set[str]:
        """Names a body may read without the files creating them as relations: temporary
        tables, what a body creates (CREATE TEMP TABLE, SELECT INTO), transition tables
        (kept by the replay in `Model.temp_relations`)."""
        return self.model.temp_relations

    def extension_relations(self) -> set[str] | None:
        """What the installed extensions create; None when one may create anything."""
        found: set[str] = set()
        for extension in self.model.extensions.values():
            listed = EXTENSION_RELATIONS.get(extension.name)
            if listed is None:
                return None
            found.update(listed)
        return found

    def in_schema(self, schema: str, name: str) -> tuple[bool | None, tuple[str, ...] | None]:
        model = self.model
        table = model.tables.get((schema, name))
        if table is not None:
            known = table.columns_known and bool(table.columns)
            return True, tuple(table.columns) if known else None
        view = model.views.get((schema, name))
        if view is not None:
            return True, tuple(view.columns) if view.columns is not None else None
        if (schema, name) in model.sequences:
            return True, None
        if schema == "pg_catalog":
            return name in self.builtin_relations, None
        if self.supabase and schema in ("auth", "storage"):
            platform = self.catalog.platform_tables.get(f"{schema}.{name}")
            if platform is None:
                return None, None  # Supabase has more tables there than the shim describes
            columns, complete = platform
            return True, tuple(columns) if complete else None
        if schema in self.closed:
            return self.implied_sequence(schema, name), None
        return None, None

    def bare_names(self) -> set[str]:
        """Every relation's name, whatever its schema."""
        if self._bare_names is None:
            model = self.model
            self._bare_names = {
                name for keys in (model.tables, model.views, model.sequences) for _, name in keys
            }
            self._bare_names |= {
                f"{table.name}_{column.name}_seq"
                for table in model.tables.values()
                for column in table.columns.values()
                if column.identity or column.has_default
            }
        return self._bare_names

    def implied_sequence(self, schema: str, name: str) -> bool:
        """`t_id_seq`: the sequence a serial or identity column of `t` owns (a column with
        a default, in case it was written as serial)."""
        if not name.endswith("_seq"):
            return False
        stem = name[:-4]
        at = stem.find("_")
        while at != -1:
            table = self.model.tables.get((schema, stem[:at]))
            column = table.columns.get(stem[at + 1 :]) if table is not None else None
            if column is not None and (column.identity or column.has_default):
                return True
            at = stem.find("_", at + 1)
        return False

    # -- functions -----------------------------------------------------------------------
    def function(self, schema: str | None, name: str, args: int | None, env: Env) -> bool | None:
        """Does a function (or procedure) of that name take `args` arguments? None: sqlkit
        cannot tell. Built-in names never come here (`sqlkit.sql.refs` leaves them out)."""
        if schema is not None:
            return self.function_in(schema, name, args)
        if name in self.model.callables or not self.unqualified_judged(name):
            return None  # an aggregate, a type (`t(x)` is a cast), an extension's function
        if env.search_path is None:
            if not env.any_schema:
                return None
            # the caller's path: reported only when no schema has a function that fits
            routines = self.routine_names().get(name, [])
            return any(_accepts(r.definition, args) for r in routines)
        path = env.search_path
        if env.session and self.supabase and "extensions" not in path:
            path = [*path, "extensions"]  # Supabase's roles have it on their path
        verdict: bool | None = False
        for candidate in path:
            if candidate == "pg_catalog":
                continue  # the built-ins, whose names never come here
            found = self.function_in(candidate, name, args)
            if found:
                return True
            if found is None and candidate not in self.extension_schemas:
                verdict = None
        return verdict

    def function_in(self, schema: str, name: str, args: int | None) -> bool | None:
        routines = self.model.routines_named(schema, name)
        if routines and any(_accepts(r.definition, args) for r in routines):
            return True
        if self.supabase and schema in ("auth", "storage"):
            spec = self.catalog.platform_functions.get(f"{schema}.{name}")
            if spec is None:
                return None  # Supabase has more functions there than the shim describes
            return args is None or any(
                low <= args and (high is None or args <= high) for low, high in parse_arities(spec)
            )
        if schema not in self.closed or name in self.model.callables:
            return None
        return False

    def unqualified_judged(self, name: str) -> bool:
        """An unqualified name no installed extension may provide (each extension's functions
        are listed below; one that is not makes every unqualified name unjudged)."""
        for extension in self.model.extensions.values():
            listed = EXTENSION_FUNCTIONS.get(extension.name)
            if listed is None or name in listed:
                return False
        return True

    def routine_names(self) -> dict[str, list[Function]]:
        """Every project function by its name, whatever its schema."""
        if self._routine_names is None:
            self._routine_names = {}
            for function in self.model.functions.values():
                self._routine_names.setdefault(function.key.name, []).append(function)
        return self._routine_names

    def _call(self, use: CallUse, env: Env) -> None:
        if self.function(use.schema, use.name, use.args, env) is not False:
            return
        shown = f"{use.schema}.{use.name}" if use.schema else use.name
        schemas = [use.schema] if use.schema else (env.search_path or [])
        overloads = (
            [r for s in schemas for r in self.model.routines_named(s, use.name)]
            if schemas
            else self.routine_names().get(use.name, [])
        )
        if overloads:
            takes = sorted({_arity_text(r.definition) for r in overloads})
            what = (
                f"calls {shown} with {use.args} argument{'s' if use.args != 1 else ''}, but "
                f"no function {shown} takes that many {env.when} (it takes {', '.join(takes)})"
            )
            fix = (
                f"pass the arguments {shown} takes, or add an overload before this point "
                f"(CREATE FUNCTION {shown}(...))"
            )
        else:
            what = f"calls function {shown}, which does not exist {env.when}"
            fix = (
                f"create {shown} before this point (CREATE FUNCTION {shown}(...)), or correct "
                "the name or its schema"
            )
        self.out.append(
            Unresolved(
                "SK122",
                env.path,
                use.span,
                f"{env.display} {what}: {env.consequence}",
                fix,
                object=env.object,
            )
        )

    # -- scopes --------------------------------------------------------------------------
    def check(self, scope: Scope, env: Env, parents: list[Frame] | None = None) -> Frame:
        """Report what does not resolve in `scope` (and below); its resolved FROM items."""
        chain = list(parents or ())
        if scope.ctes:
            # every name is visible in every body (WITH RECURSIVE; an earlier one in a later
            # one), with columns unknown until its own body is resolved
            ctes: dict[str, Columns] = dict.fromkeys(scope.ctes)
            chain = [Frame([], None, ctes), *chain]
            for name, (cte, aliases) in scope.ctes.items():
                inner = self.check(cte, env, chain)
                ctes[name] = _renamed(inner.outputs, aliases)
        if scope.arms is not None:
            arms = [self.check(arm, env, [*chain]) for arm in scope.arms]
            frame = Frame([], arms[0].outputs if arms else None)
            self._uses(scope, frame, [frame, *chain], env)
            return frame
        frame = Frame([])
        for item in scope.items:
            # a sub-select sees the items before it (LATERAL; taken as such without it too,
            # which can only hide a finding, never make one)
            siblings = [Frame(list(frame.items)), *chain] if item.query is not None else chain
            frame.items.append((item, self._item(item, env, siblings)))
        frames = [frame, *chain]
        frame.outputs = self._outputs(scope, frame)
        self._uses(scope, frame, frames, env)
        for child in scope.children:
            self.check(child, env, frames)
        return frame

    def _item(self, item: Item, env: Env, chain: list[Frame]) -> Columns:
        if item.opaque:
            return None
        if item.query is not None:
            inner = self.check(item.query, env, chain)  # (LATERAL not told apart)
            return _renamed(inner.outputs, item.colnames)
        if item.call is not None:
            return self._call_columns(item, env)
        if item.relation is None:
            return None
        if item.schema is None:
            for outer in chain:
                if outer.ctes is not None and item.relation in outer.ctes:
                    return _renamed(outer.ctes[item.relation], item.colnames)
        exists, columns = self.relation(item.schema, item.relation, env)
        if exists is False:
            if item.check:
                self._report_relation(item.schema, item.relation, item.span, env)
            return MISSING
        if columns is None:
            return None
        return _renamed((*columns, *SYSTEM_COLUMNS), item.colnames)

    def _call_columns(self, item: Item, env: Env) -> Columns:
        call = item.call
        assert call is not None
        found: tuple[str, ...] | None
        if item.coldefs is not None:
            found = tuple(name for name, _ in item.coldefs)
        elif call.schema in (None, "pg_catalog") and call.name in self.builtin_functions:
            columns = self.catalog.function_columns.get(call.name)
            if columns is not None:  # OUT parameters
                found = tuple(columns)
            elif call.name in self.catalog.functions_of_the_call:
                found = None  # a record, or polymorphic: the call decides
            else:
                found = (item.name or call.name,)  # a scalar result: one column
        else:
            found = self._routine_columns(call.schema, call.name, item.name or call.name, env)
        if found is None:
            return None
        names = found
        if item.ordinality:
            names = (*names, "ordinality")
        return _renamed(names, item.colnames)

    def _routine_columns(
        self, schema: str | None, name: str, alias: str, env: Env
    ) -> tuple[str, ...] | None:
        """The columns a project function gives in FROM, when every overload of the name
        agrees: its OUT/TABLE parameters, a table's columns for `SETOF t`/`t`, or one column
        (named after its alias) for a base type."""
        schemas = [schema] if schema else (env.search_path or ["public"])
        routines = next(
            (found for s in schemas if (found := self.model.routines_named(s, name))), []
        )
        shapes: set[tuple[str, ...] | None] = set()
        for routine in routines:
            definition = routine.definition
            outs = tuple(a.name for a in definition.args if a.mode in ("out", "inout", "table"))
            returns = definition.returns.removeprefix("setof ")
            if outs:
                shapes.add(outs)
            elif returns in builtins().types:
                shapes.add((alias,))
            else:
                parts = returns.split(".")
                table_schema = parts[0] if len(parts) == 2 else routine.schema
                table = self.model.tables.get((table_schema, parts[-1]))
                known = table is not None and table.columns_known and table.columns
                shapes.add(tuple(table.columns) if known and table is not None else None)
        if len(shapes) != 1:
            return None
        (shape,) = shapes
        return shape

    def _outputs(self, scope: Scope, frame: Frame) -> list[str] | None:
        if scope.outputs is None:
            return None
        names: list[str] = []
        for output in scope.outputs:
            if isinstance(output, str):
                names.append(output)
                continue
            items = [
                (item, cols)
                for item, cols in frame.items
                if not item.hidden and (not output or item.name == output[-1])
            ]
            if not items:
                return None
            for _, cols in items:
                if cols is None or isinstance(cols, str):
                    return None
                names.extend(c for c in cols if c not in SYSTEM_COLUMNS)
        return names

    def _uses(self, scope: Scope, frame: Frame, frames: list[Frame], env: Env) -> None:
        for use in scope.uses:
            kind = use.__class__
            if kind is ColumnUse:
                self._column(use, frames, env)  # type: ignore[arg-type]
            elif kind is TargetColumn:
                self._target(use, frame, env)  # type: ignore[arg-type]
            elif kind is RelationUse:
                self._relation_use(use, env)  # type: ignore[arg-type]
            elif kind is CallUse:
                self._call(use, env)  # type: ignore[arg-type]
            elif kind is Comparison:
                self._comparison(use, frames, env)  # type: ignore[arg-type]
            elif kind is Assignment:
                self._assignment(use, frame, frames, env)  # type: ignore[arg-type]

    def _relation_use(self, use: RelationUse, env: Env) -> None:
        exists, _ = self.relation(use.schema, use.name, env)
        if exists is False:
            self._report_relation(use.schema, use.name, use.span, env)

    def _target(self, use: TargetColumn, frame: Frame, env: Env) -> None:
        if use.item >= len(frame.items):
            return
        item, columns = frame.items[use.item]
        if columns is None or isinstance(columns, str) or use.name in columns:
            return
        self._report_column(use.name, [item], use.span, env)

    def _column(self, use: ColumnUse, frames: list[Frame], env: Env) -> None:
        parts = use.parts
        if len(parts) == 1:
            name = parts[0]
            if name in env.variables:
                if name in env.conflicting:
                    self._ambiguous(use, frames, env)
                return
            seen: list[Item] = []
            for frame in frames:
                for item, columns in frame.items:
                    if columns is None or isinstance(columns, str):
                        return  # an item whose columns are not known may have it
                    if name in columns or item.name == name:
                        return
                    seen.append(item)
            if use.ordering and frames and name in (frames[0].outputs or ()):
                return
            relations = [i for i in seen if i.relation is not None and i.name != "excluded"]
            if not relations:
                return  # nothing to resolve against (a PL/pgSQL expression, VALUES)
            self._report_column(name, relations, use.span, env)
        elif len(parts) == 2:
            qualifier, name = parts
            for frame in frames:
                if (found := frame.named(qualifier)) is not None:
                    item, columns = found
                    if not (columns is None or isinstance(columns, str) or name in columns):
                        self._report_column(name, [item], use.span, env)
                    return

    # -- findings ------------------------------------------------------------------------
    def _report_relation(self, schema: str | None, name: str, span: Span, env: Env) -> None:
        shown = f"{schema}.{name}" if schema else name
        self.out.append(
            Unresolved(
                "SK120",
                env.path,
                span,
                f"{env.display} reads relation {shown}, which does not exist {env.when}: "
                f"{env.consequence}",
                f"create {shown} before this point (CREATE TABLE {shown} (...);), or correct "
                "the name or its schema",
                object=env.object,
            )
        )

    def _ambiguous(self, use: ColumnUse, frames: list[Frame], env: Env) -> None:
        """A PL/pgSQL variable or parameter named like a column of a FROM item in scope:
        PostgreSQL refuses the statement when it runs (`column reference is ambiguous`)."""
        name = use.parts[0]
        if use.in_values:
            return  # a VALUES row does not see the target table: the name is the variable
        if use.ordering and frames and name in (frames[0].outputs or ()):
            return  # ORDER BY an output column's name
        for frame in frames:
            for item, columns in frame.items:
                if columns is None:  # a table of the caller's path: known when only one has it
                    columns = tuple(self._table_types(item, frames, env) or ())
                if isinstance(columns, tuple) and name in columns and item.name != "excluded":
                    relation = f"{item.schema}.{item.relation}" if item.schema else item.relation
                    qualified = f"{item.name or relation}.{name}"
                    self.out.append(
                        Unresolved(
                            "SK124",
                            env.path,
                            use.span,
                            f"{env.display}: {name} is both a PL/pgSQL variable or parameter and "
                            f"a column of {relation or item.name}: PostgreSQL refuses the "
                            f'statement when it runs (column reference "{name}" is ambiguous)',
                            f"qualify the column ({qualified}), or rename the variable; "
                            "`#variable_conflict use_column` at the top of the body also "
                            "settles it",
                            object=env.object,
                        )
                    )
                    return

    def _report_column(self, name: str, items: list[Item], span: Span, env: Env) -> None:
        shown = []
        for item in items:
            relation = f"{item.schema}.{item.relation}" if item.schema else item.relation
            alias = f" (as {item.name})" if item.name and item.name != item.relation else ""
            shown.append(f"{relation}{alias}")
        where = shown[0] if len(shown) == 1 else "any of " + ", ".join(shown)
        first = items[0]
        table = f"{first.schema}.{first.relation}" if first.schema else first.relation
        self.out.append(
            Unresolved(
                "SK121",
                env.path,
                span,
                f"{env.display} reads column {name} of {where}, which has no such column: "
                f"{env.consequence}",
                f"correct the column name, or add it before this point: ALTER TABLE {table} "
                f"ADD COLUMN {name} ...;",
                object=env.object,
            )
        )

    def check_fields(
        self,
        fields: Iterable[tuple[str, str, Span]],
        records: dict[str, tuple[str, list[tuple[str, ...]]]],
        env: Env,
    ) -> None:
        """`rec.field` against the relations a record variable can hold (NEW/OLD: every table
        the trigger fires on; reported when no such relation has the field)."""
        reported: set[tuple[str, str]] = set()
        for record, name, span in fields:
            known = records.get(record)
            if known is None or name in SYSTEM_COLUMNS or (record, name) in reported:
                continue
            relation, shapes = known
            if any(name in shape for shape in shapes):
                continue
            reported.add((record, name))
            self.out.append(
                Unresolved(
                    "SK121",
                    env.path,
                    span,
                    f"{env.display} reads {record}.{name}, but {relation} has no column "
                    f"{name}: {env.consequence}",
                    f"correct the field name, or add the column: ALTER TABLE "
                    f"{relation.split(', ')[0]} ADD COLUMN {name} ...;",
                    object=env.object,
                )
            )


# what an extension creates that a body may name without a schema (None above: unknown)
EXTENSION_RELATIONS: dict[str, tuple[str, ...]] = {
    "plpgsql": (),
    "pgcrypto": (),
    "uuid-ossp": (),
    "citext": (),
    "pg_trgm": (),
    "hstore": (),
    "ltree": (),
    "unaccent": (),
    "btree_gin": (),
    "btree_gist": (),
    "fuzzystrmatch": (),
    "moddatetime": (),
    "vector": (),
    "pgjwt": (),
    "pg_stat_statements": ("pg_stat_statements", "pg_stat_statements_info"),
    "supabase_vault": ("secrets", "decrypted_secrets"),
    "postgis": ("spatial_ref_sys", "geometry_columns", "geography_columns"),
}
# the functions an extension installs, by name (None above: unknown, so unqualified calls
# are not judged while it is installed)
EXTENSION_FUNCTIONS: dict[str, frozenset[str]] = {
    "plpgsql": frozenset({"plpgsql_call_handler", "plpgsql_inline_handler", "plpgsql_validator"}),
    "pgcrypto": frozenset(
        {
            "armor",
            "crypt",
            "dearmor",
            "decrypt",
            "decrypt_iv",
            "digest",
            "encrypt",
            "encrypt_iv",
            "gen_random_bytes",
            "gen_random_uuid",
            "gen_salt",
            "hmac",
            "pgp_armor_headers",
            "pgp_key_id",
            "pgp_pub_decrypt",
            "pgp_pub_decrypt_bytea",
            "pgp_pub_encrypt",
            "pgp_pub_encrypt_bytea",
            "pgp_sym_decrypt",
            "pgp_sym_decrypt_bytea",
            "pgp_sym_encrypt",
            "pgp_sym_encrypt_bytea",
            "fips_mode",
        }
    ),
    "uuid-ossp": frozenset(
        {
            "uuid_generate_v1",
            "uuid_generate_v1mc",
            "uuid_generate_v3",
            "uuid_generate_v4",
            "uuid_generate_v5",
            "uuid_nil",
            "uuid_ns_dns",
            "uuid_ns_oid",
            "uuid_ns_url",
            "uuid_ns_x500",
        }
    ),
    "pg_stat_statements": frozenset(
        {"pg_stat_statements", "pg_stat_statements_info", "pg_stat_statements_reset"}
    ),
    "supabase_vault": frozenset(
        {
            "create_secret",
            "update_secret",
            "_crypto_aead_det_decrypt",
            "_crypto_aead_det_encrypt",
            "_crypto_aead_det_noncegen",
        }
    ),
}
_NOWHERE: Span = (0, 0, 0, 0)


def _in_args(definition: RoutineDef) -> list[Arg]:
    """The parameters a call passes: a procedure's OUT ones too (CALL p(1, null))."""
    modes = ("in", "inout", "variadic", "out") if definition.is_procedure else _IN_MODES
    return [a for a in definition.args if a.mode in modes]


_IN_MODES = ("in", "inout", "variadic")


def _accepts(definition: RoutineDef, args: int | None) -> bool:
    """Can a call with `args` arguments (None: any) reach this routine, by count alone
    (defaults may be left out, a VARIADIC parameter takes any number)?"""
    if args is None:
        return True
    params = _in_args(definition)
    required = sum(1 for a in params if not a.has_default and a.mode != "variadic")
    if any(a.mode == "variadic" for a in params):
        return args >= required
    return required <= args <= len(params)


def _arity_text(definition: RoutineDef) -> str:
    params = _in_args(definition)
    required = sum(1 for a in params if not a.has_default and a.mode != "variadic")
    if any(a.mode == "variadic" for a in params):
        return f"{required} or more"
    return str(required) if required == len(params) else f"{required} to {len(params)}"


def _renamed(columns: Columns | list[str], aliases: tuple[str, ...]) -> Columns:
    """Columns with their first ones renamed by an alias list (`AS x(a, b)`)."""
    if columns is None or isinstance(columns, str):
        return columns
    names = tuple(columns)
    if not aliases:
        return names
    return (*aliases, *names[len(aliases) :])


# ---------------------------------------------------------------------- entry points
def check_view(
    model: Model, query: Scope, search_path: list[str], path: str, name: str
) -> tuple[list[Unresolved], list[str] | None]:
    """A view's query when CREATE VIEW runs: what does not resolve, and its output columns."""
    binder = Binder(model)
    env = Env(path, search_path, object=name, display=f"view {name}", session=True)
    frame = binder.check(query, env)
    return binder.out, frame.outputs


def check_policy(
    model: Model,
    refs: Scope,
    table: tuple[str, str],
    search_path: list[str],
    path: str,
    policy: str,
) -> list[Unresolved]:
    """A policy's expressions when CREATE/ALTER POLICY runs: its table is the FROM item."""
    name = f"{table[0]}.{table[1]}.{policy}"
    display = f"policy {quote_ident(policy)} on {table[0]}.{table[1]}"
    binder = Binder(model)
    item = Item(table[1], _NOWHERE, table[0], table[1], check=False)
    exists, columns = binder.relation(table[0], table[1], Env(path, search_path))
    frame = Frame([(item, (*columns, *SYSTEM_COLUMNS) if exists and columns else None)])
    binder.check(refs, Env(path, search_path, object=name, display=display, session=True), [frame])
    return binder.out


def check_functions(model: Model, functions: Iterable[Function]) -> list[Unresolved]:
    """Function bodies stored as text, against the model at the end of the project."""
    binder = Binder(model)
    for function in functions:
        check_function(binder, function)
    return binder.out


def _body_env(
    definition: RoutineDef, search_path: list[str] | None, display: str, name: str
) -> Env:
    names = {arg.name for arg in definition.args if arg.name}
    names.add(definition.name)
    facts = definition.body
    plpgsql = facts.plpgsql if facts is not None else None
    if plpgsql is not None:
        names.update(plpgsql.variables)
        names.update(plpgsql.labels)
    env = Env(definition.origin.path, search_path, frozenset(names), name, display)
    env.types = variable_types(definition)
    if plpgsql is not None and "plpgsql.variable_conflict" not in definition.config:
        env.conflicting = plpgsql.conflicting
    return env


def check_atomic(model: Model, definition: RoutineDef, search_path: list[str]) -> list[Unresolved]:
    """A `BEGIN ATOMIC`/`RETURN` body when CREATE FUNCTION runs, with the session's path."""
    binder = Binder(model)
    schema = definition.schema or (search_path[0] if search_path else "public")
    kind = "procedure" if definition.is_procedure else "function"
    name = f"{schema}.{definition.name}({', '.join(definition.arg_types)})"
    env = _body_env(definition, search_path, f"{kind} {name}", name)
    env.session = True
    for scope in definition.body.scopes if definition.body is not None else ():
        binder.check(scope, env)
    return binder.out


def check_function(binder: Binder, function: Function) -> None:
    definition = function.definition
    facts = definition.body
    if definition.atomic or facts is None or not (facts.scopes or facts.plpgsql is not None):
        return
    value = function.config.get("search_path")
    search_path = None if value is None else search_path_schemas(value) or None
    env = _body_env(definition, search_path, function.display, str(function.key))
    env.any_schema = value is None or value == "FROM CURRENT"  # the caller's path
    env.when = "at the end of the project"
    env.consequence = "the body is bound when it runs, and fails there"
    if function.is_trigger and facts.scopes and env.types is not None:
        env.types.update(row_types(binder.model, function.trigger_tables))
    for scope in facts.scopes:
        binder.check(scope, env)
    plpgsql = facts.plpgsql
    if plpgsql is None:
        return
    records: dict[str, tuple[str, list[tuple[str, ...]]]] = {}
    if function.is_trigger and function.trigger_tables:
        shapes: list[tuple[str, ...]] = []
        for schema, table_name in function.trigger_tables:
            exists, columns = binder.in_schema(schema, table_name)
            if not exists or not columns:
                shapes = []
                break
            shapes.append(columns)
        if shapes:
            tables = ", ".join(f"{s}.{t}" for s, t in sorted(function.trigger_tables))
            records["new"] = records["old"] = (tables, shapes)
    for record, type_text in plpgsql.records.items():
        parts = [p.strip('"') for p in type_text.split(".")]
        qualifier = parts[0].lower() if len(parts) == 2 else None
        exists, columns = binder.relation(qualifier, parts[-1].lower(), env)
        if exists and columns:
            records[record.lower()] = (type_text, [columns])
    if records:
        binder.check_fields(plpgsql.fields, records, env)
