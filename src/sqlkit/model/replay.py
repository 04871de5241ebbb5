"""Replay events, in migration order, into a `Model`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from sqlkit.model import events as ev
from sqlkit.model.binding import check_atomic, check_policy, check_view
from sqlkit.model.names import choose_name, column_part, key_name
from sqlkit.model.state import (
    Column,
    Constraint,
    DefaultAcl,
    Extension,
    Function,
    Index,
    Model,
    Policy,
    RoutineKey,
    Step,
    Table,
    View,
)
from sqlkit.model.structure import proven_not_null
from sqlkit.sql.refs import Created
from sqlkit.sql.tree import column_refs, rename_column_refs

_TABLE_PRIVILEGES = {
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
    "maintain",
}
_SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")
# CREATE TABLE ... LIKE options (TableLikeOption); a partition copies as LIKE with these
_LIKE_CONSTRAINTS, _LIKE_DEFAULTS, _LIKE_GENERATED, _LIKE_INDEXES = 4, 8, 16, 64
_PARTITION = _LIKE_CONSTRAINTS | _LIKE_DEFAULTS | _LIKE_GENERATED | _LIKE_INDEXES
# extensions a new Supabase project already has, and where (`create extension if not
# exists pgcrypto` there changes nothing)
_SUPABASE_EXTENSIONS = {
    "pgcrypto": "extensions",
    "uuid-ossp": "extensions",
    "pg_stat_statements": "extensions",
    "supabase_vault": "vault",
}
# Schemas a Supabase project finds in place, and the ones the API roles may USE.
_SUPABASE_SCHEMAS = (
    "auth",
    "storage",
    "extensions",
    "realtime",
    "graphql",
    "graphql_public",
    "vault",
    "net",
    "supabase_functions",
)
_SUPABASE_API_SCHEMAS = ("public", "auth", "storage", "extensions", "realtime", "graphql_public")


def new_model(target: str, migration_role: str = "postgres") -> Model:
    """An empty database of the target: its roles, schemas, extensions and default privileges
    (SPEC §3.1).

    `migration_role` is the role that runs the migrations: `ALTER DEFAULT PRIVILEGES FOR
    ROLE r` changes only what r creates, so only the ones for this role (or without FOR
    ROLE) apply to the project's objects.
    """
    model = Model(target=target, has_structure=True)
    model.migration_role = migration_role
    model.extensions["plpgsql"] = Extension("plpgsql", "pg_catalog", None)
    if target == "supabase":
        for name, schema in _SUPABASE_EXTENSIONS.items():
            model.extensions[name] = Extension(name, schema, None)
    # Postgres: PUBLIC may EXECUTE every new function (a global default), and USE public.
    model.function_defaults = DefaultAcl(global_roles={"public": {"execute"}})
    model.table_defaults = DefaultAcl()
    model.existing_schemas = {"public", "pg_catalog", "information_schema"}
    model.schema_privileges["public"] = {"public": {"usage"}}
    if target == "supabase":
        # Supabase grants the API roles everything on new objects in public.
        for role in _SUPABASE_API_ROLES:
            model.function_defaults.schema_roles.setdefault("public", {})[role] = {"execute"}
            model.table_defaults.schema_roles.setdefault("public", {})[role] = set(
                _TABLE_PRIVILEGES
            )
            model.role_parents.setdefault("authenticator", set()).add(role)
        model.role_parents.setdefault("postgres", set()).update(_SUPABASE_API_ROLES)
        # Supabase creates anon, authenticated and service_role NOINHERIT (and authenticator)
        model.noinherit.update((*_SUPABASE_API_ROLES, "authenticator"))
        model.existing_schemas.update(_SUPABASE_SCHEMAS)
        for schema in _SUPABASE_SCHEMAS:
            model.schema_privileges.setdefault(schema, {})
        for schema in _SUPABASE_API_SCHEMAS:
            for role in _SUPABASE_API_ROLES:
                model.schema_privileges[schema].setdefault(role, set()).add("usage")
    return model


class Replayer:
    """Applies events to a model, tracking the session's search_path per file."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.search_path = ["public"]
        self.current_path: str | None = None
        # reverse links, so a drop or rename need not scan every table: referenced table ->
        # tables whose foreign keys may reference it; parent -> partitions and heirs. Entries
        # may be stale (a table dropped or renamed since); users check what they find.
        self._referencing: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self._children: dict[tuple[str, str], set[tuple[str, str]]] = {}
        # (schema, index name) -> (schema, table): indexes live in their table's schema
        self._index_tables: dict[tuple[str, str], tuple[str, str]] = {}
        self._view_readers: dict[tuple[str, str], set[tuple[str, str]]] = {}
        # migration safety, per file: the session's settings (lock_timeout, TimeZone; a new
        # dict on each change, so steps share it), the columns ADD COLUMN made here, the
        # constraints added NOT VALID here ((id of the table, name))
        self.session: dict[str, str] = {}
        self._added_columns: dict[int, Column] = {}
        self._not_valid_here: set[tuple[int, str]] = set()

    def replay(self, events: Iterable[ev.Event]) -> Model:
        for event in events:
            path = event.origin.path
            if path != self.current_path:  # each file starts a fresh session
                self.current_path = path
                self.search_path = ["public"]
                self.session = {}
                self._added_columns = {}
                self._not_valid_here = set()
            kind = type(event)
            step = STEPS.get(kind)
            if step is None:
                REPLAY[kind](self, event)
                continue
            done = step(self, event)  # what the table was, before the event changes it
            REPLAY[kind](self, event)
            if done is not None:
                done()
        return self.model

    # ------------------------------------------------------------------ helpers
    def _schema(self, schema: str | None) -> str:
        """Where an object named `schema.name` (or just `name`) lives.

        Unqualified, PostgreSQL creates it in the first schema of the search_path that
        exists (a missing one is skipped); `$user` and `pg_temp` are not used here, and
        `pg_catalog` would be refused, so neither is it.
        """
        if schema:
            return schema
        existing = self.model.existing_schemas
        for candidate in self.search_path:
            if candidate in existing and candidate not in ("pg_catalog", "pg_temp"):
                return candidate
        return "public"

    def _created_in(self, schema: str | None) -> str:
        """The schema of an object being created; a qualified create shows the schema exists."""
        resolved = self._schema(schema)
        self.model.existing_schemas.add(resolved)
        return resolved

    # ---------------------------------------------------------------- functions
    def routine_def(self, event: ev.RoutineDef) -> None:
        if event.body is not None:
            for scope in event.body.scopes:  # what a body creates, other bodies may read
                self.model.temp_relations.update(
                    use.name for use in scope.uses if use.__class__ is Created
                )
            if event.atomic:  # bound now, as PostgreSQL does
                self.model.unresolved.extend(check_atomic(self.model, event, self.search_path))
        schema = self._created_in(event.schema)
        key = RoutineKey(schema, event.name, event.arg_types)
        existing = self.model.functions.get(key)
        volatility = event.volatility or "volatile"
        if existing is not None and event.replace:
            # CREATE OR REPLACE keeps owner and privileges, replaces everything else.
            existing.definition = event
            existing.security_definer = event.security_definer
            existing.security_origin = ev.Origin(
                event.origin.path, event.origin.statement, event.security_span or event.origin.span
            )
            existing.definer_reason = event.definer_reason
            existing.volatility = volatility
            existing.volatility_written = event.volatility is not None
            existing.strict = event.strict
            existing.config = dict(event.config)
            existing.config_origins = {name: event.origin for name in event.config}
            existing.config_value_ranges = dict(event.config_value_ranges)
            existing.altered = set()
            return
        acl = self.model.function_defaults.for_schema(schema)
        self.model.add_function(
            Function(
                key=key,
                definition=event,
                security_definer=event.security_definer,
                security_origin=ev.Origin(
                    event.origin.path,
                    event.origin.statement,
                    event.security_span or event.origin.span,
                ),
                definer_reason=event.definer_reason,
                volatility=volatility,
                volatility_written=event.volatility is not None,
                strict=event.strict,
                config=dict(event.config),
                config_origins={name: event.origin for name in event.config},
                config_value_ranges=dict(event.config_value_ranges),
                execute={
                    role for role, privs in acl.items() if "execute" in privs or "all" in privs
                },
            )
        )

    def comment_routine(self, event: ev.CommentRoutine) -> None:
        for function in self.model.resolve(event.ref, self.search_path):
            function.definer_reason = function.definer_reason or event.definer_reason

    def alter_routine(self, event: ev.AlterRoutine) -> None:
        for function in self.model.resolve(event.ref, self.search_path):
            if "ALL" in event.reset:
                function.altered.update(function.config)
                function.config.clear()
                function.config_origins.clear()
                function.config_value_ranges.clear()
            for name in event.reset:
                function.altered.add(name)
                function.config.pop(name, None)
                function.config_origins.pop(name, None)
                function.config_value_ranges.pop(name, None)
            for name, value in event.set_config.items():
                function.altered.add(name)
                function.config[name] = value
                function.config_origins[name] = ev.Origin(
                    event.origin.path,
                    event.origin.statement,
                    event.config_spans.get(name, event.origin.span),
                )
                function.config_value_ranges.pop(name, None)
                if name in event.config_value_ranges:
                    function.config_value_ranges[name] = event.config_value_ranges[name]
            if event.security_definer is not None:
                function.security_definer = event.security_definer
                function.security_origin = event.origin
                function.definer_reason = event.definer_reason
            if event.volatility is not None:
                function.volatility = event.volatility
                function.volatility_written = True
                function.altered.add("volatility")
            if event.strict is not None:
                function.strict = event.strict
            if event.new_name or event.new_schema:
                old = function.key
                new = RoutineKey(
                    event.new_schema or old.schema, event.new_name or old.name, old.arg_types
                )
                self.model.remove_function(old)
                function.key = new
                self.model.add_function(function)

    def drop_routines(self, event: ev.DropRoutines) -> None:
        for ref in event.refs:
            for function in self.model.resolve(ref, self.search_path):
                self.model.remove_function(function.key)

    # --------------------------------------------------------------- privileges
    def grant(self, event: ev.Grant) -> None:
        if event.object_type in ("function", "procedure", "routine"):
            if not ({"execute", "all"} & set(event.privileges)):
                return
            targets: list[Function] = []
            for ref in event.routines:
                targets.extend(self.model.resolve(ref, self.search_path))
            for schema in event.all_in_schemas:
                for key, function in self.model.functions.items():
                    if key.schema != schema:
                        continue
                    is_proc = function.definition.is_procedure
                    if (event.object_type == "function" and is_proc) or (
                        event.object_type == "procedure" and not is_proc
                    ):
                        continue
                    targets.append(function)
            for function in targets:
                function.grant_origin = event.origin
                for role in event.grantees:
                    if event.is_grant:
                        function.execute.add(role)
                        function.granted_explicitly.add(role)
                    else:
                        function.execute.discard(role)
                        function.granted_explicitly.discard(role)
                        if role != "public":
                            function.revokes.append((event.origin, role))
        elif event.object_type in ("table", "view", "sequence"):
            privs = set(_TABLE_PRIVILEGES) if "all" in event.privileges else set(event.privileges)
            tables: list[Table | View] = []
            for named_schema, name in event.tables:
                named = (self._schema(named_schema), name)
                relation = self.model.tables.get(named) or self.model.views.get(named)
                if relation is not None:
                    tables.append(relation)
            for schema in event.all_in_schemas:
                tables.extend(t for (s, _), t in self.model.tables.items() if s == schema)
                # ALL TABLES IN SCHEMA includes views and materialized views
                tables.extend(v for (s, _), v in self.model.views.items() if s == schema)
            for table in tables:
                for role in event.grantees:
                    held = table.privileges.setdefault(role, set())
                    if event.is_grant:
                        held.update(privs)
                    else:
                        held.difference_update(privs)
        elif event.object_type == "schema":
            privs = {"usage", "create"} if "all" in event.privileges else set(event.privileges)
            for schema in event.schemas:
                holders = self.model.schema_privileges.get(schema)
                if holders is None:
                    if not event.is_grant:
                        continue  # revoking on a schema we know nothing of: still unknown
                    # a schema created outside the files: what its owner granted is unknown,
                    # so PUBLIC keeps the benefit of the doubt
                    holders = self.model.schema_privileges.setdefault(schema, {"public": {"usage"}})
                for role in event.grantees:
                    held = holders.setdefault(role, set())
                    if event.is_grant:
                        held.update(privs)
                    else:
                        held.difference_update(privs)

    def default_privileges(self, event: ev.DefaultPrivileges) -> None:
        if event.for_roles and self.model.migration_role not in event.for_roles:
            return  # FOR ROLE r: only what r creates, and r does not run the migrations
        if event.object_type == "functions":
            if not ({"execute", "all"} & set(event.privileges)):
                return
            acl, privs = self.model.function_defaults, {"execute"}
        elif event.object_type == "tables":
            acl = self.model.table_defaults
            privs = set(_TABLE_PRIVILEGES) if "all" in event.privileges else set(event.privileges)
        else:
            return
        # Per-schema defaults only add to the global ones: revoking PUBLIC's EXECUTE
        # "IN SCHEMA x" does nothing in Postgres, so it does nothing here either.
        acl.changed()
        buckets = [acl.schema_roles.setdefault(s, {}) for s in event.schemas] or [acl.global_roles]
        for bucket in buckets:
            for role in event.grantees:
                held = bucket.setdefault(role, set())
                if event.is_grant:
                    held.update(privs)
                else:
                    held.difference_update(privs)

    def grant_role(self, event: ev.GrantRole) -> None:
        for member in event.members:
            parents = self.model.role_parents.setdefault(member, set())
            for role in event.roles:
                if event.is_grant:
                    parents.add(role)
                else:
                    parents.discard(role)

    # ------------------------------------------------------------------- tables
    def create_table(self, event: ev.CreateTable) -> None:
        schema = self._created_in(event.schema)
        if event.if_not_exists and (schema, event.name) in self.model.tables:
            return  # Postgres keeps the table it has (and its RLS, grants, columns)
        defaults = self.model.table_defaults.for_schema(schema)
        self.model.tables[(schema, event.name)] = Table(
            schema,
            event.name,
            event.origin,
            event.kind,
            privileges={role: set(privs) for role, privs in defaults.items()},
        )

    def alter_table_rls(self, event: ev.AlterTableRls) -> None:
        table = self.model.tables.get((self._schema(event.schema), event.name))
        if table is None:
            return
        if event.enable is not None:
            table.rls_enabled = event.enable
            table.rls_origin = event.origin
        if event.force is not None:
            table.rls_forced = event.force

    def drop_relations(self, event: ev.DropRelations) -> None:
        for schema, name in event.names:
            key = (self._schema(schema), name)
            if event.kind == "table":
                self.model.tables.pop(key, None)
                self.model.remove_policies_on(*key)
                self._forget_references(key, None)
                self._drop_dependents(key, event.cascade)
            else:
                self.model.views.pop(key, None)
                if event.cascade:
                    self._drop_dependents(key, True)

    def _drop_dependents(self, key: tuple[str, str], cascade: bool) -> None:
        """What goes with a dropped relation: its partitions always; with CASCADE, the tables
        that inherit from it and the views that read it."""
        for child_key in list(self._children.get(key, ())):
            child = self.model.tables.get(child_key)
            if child is None:
                continue
            if child.partition_of == key or (cascade and key in child.inherits):
                self.model.tables.pop(child_key, None)
                self.model.remove_policies_on(*child_key)
                self._forget_references(child_key, None)
                self._drop_dependents(child_key, cascade)
        if not cascade:
            return
        for view_key in list(self._view_readers.get(key, ())):
            if view_key in self.model.views:
                self.model.views.pop(view_key)
                self._drop_dependents(view_key, True)

    def create_policy(self, event: ev.CreatePolicy) -> None:
        schema = self._schema(event.schema)
        if (schema, event.table, event.name) in self.model.policies:
            # PostgreSQL refuses it: the migration stops, the first policy stays
            self.model.rejected.append(
                (
                    event.origin,
                    f'policy "{event.name}" for table "{event.table}" already exists: '
                    "PostgreSQL rejects this CREATE POLICY and the migration fails",
                )
            )
            return
        self._check_policy(event)
        self.model.add_policy(
            Policy(
                schema,
                event.table,
                event.name,
                event.origin,
                event.permissive,
                event.command,
                event.roles,
                event.using,
                event.with_check,
                event.text,
                event.explicit_roles,
                event.facts,
                (event.origin.path, event.using_calls),
                (event.origin.path, event.check_calls),
            )
        )

    def _check_policy(self, event: ev.CreatePolicy | ev.AlterPolicy) -> None:
        if event.refs is None:
            return
        schema = self._schema(event.schema)
        self.model.unresolved.extend(
            check_policy(
                self.model,
                event.refs,
                (schema, event.table),
                self.search_path,
                event.origin.path,
                event.name,
            )
        )

    def alter_policy(self, event: ev.AlterPolicy) -> None:
        policy = self.model.policies.get((self._schema(event.schema), event.table, event.name))
        if policy is None:
            return
        self._check_policy(event)
        if event.roles is not None:
            policy.roles = event.roles
            policy.explicit_roles = True
        if event.using is not None:
            policy.using = event.using
            policy.using_calls = (event.origin.path, event.using_calls)
        if event.with_check is not None:
            policy.with_check = event.with_check
            policy.check_calls = (event.origin.path, event.check_calls)
        if event.using is not None or event.with_check is not None:
            policy.facts = None  # worked out again from the new expressions

    def drop_policy(self, event: ev.DropPolicy) -> None:
        self.model.remove_policy(self._schema(event.schema), event.table, event.name)

    def create_view(self, event: ev.CreateView) -> None:
        schema = self._created_in(event.schema)
        existing = self.model.views.get((schema, event.name))
        if existing is not None and event.replace:
            privileges = existing.privileges  # CREATE OR REPLACE keeps the grants
        else:
            # default privileges ON TABLES apply to views and materialized views too
            defaults = self.model.table_defaults.for_schema(schema)
            privileges = {role: set(privs) for role, privs in defaults.items()}
        self.model.views[(schema, event.name)] = view = View(
            schema,
            event.name,
            event.origin,
            event.materialized,
            dict(event.options),
            event.relations,
            privileges,
        )
        if event.query is not None:  # bound now: later renames follow, as PostgreSQL's do
            found, outputs = check_view(
                self.model, event.query, self.search_path, event.origin.path, view.qualified_name
            )
            self.model.unresolved.extend(found)
            if outputs is not None:
                names = (*event.column_names, *outputs[len(event.column_names) :])
                view.columns = dict.fromkeys(names, "")
        for read_schema, name in event.relations:  # unqualified: its own schema or public
            for key in [(read_schema, name)] if read_schema else [(schema, name), ("public", name)]:
                self._view_readers.setdefault(key, set()).add((schema, event.name))

    def alter_view_options(self, event: ev.AlterViewOptions) -> None:
        view = self.model.views.get((self._schema(event.schema), event.name))
        if view is None:
            return
        view.options.update(event.options)
        for name in event.reset:
            view.options.pop(name, None)

    # ---------------------------------------------------------- table structure
    def _find_table(self, schema: str | None, name: str) -> Table | None:
        """The table a statement names: qualified, or the first on the session's path."""
        if schema:
            return self.model.tables.get((schema, name))
        for candidate in [*self.search_path, "public"]:
            table = self.model.tables.get((candidate, name))
            if table is not None:
                return table
        return None

    def _put_index(self, table: Table, index: Index) -> None:
        table.indexes[index.name] = index
        self._index_tables[(table.schema, index.name)] = (table.schema, table.name)

    def _find_index(self, schema: str, name: str) -> tuple[Table, Index] | None:
        table = self.model.tables.get(self._index_tables.get((schema, name), ("", "")))
        index = table.indexes.get(name) if table is not None else None
        return (table, index) if table is not None and index is not None else None

    def _index_name(self, table: Table, index: Index) -> str:
        """The name PostgreSQL gives a copy of `index` on `table` (LIKE ... INCLUDING
        INDEXES, a partition or an inheriting table): the table's, the key columns', idx."""
        keys = [key_name(k.column, k.expression) for k in index.keys] + list(index.include)
        return choose_name(
            table.name, column_part(keys), "idx", lambda n: self._name_taken(table, n)
        )

    def _name_taken(self, table: Table, name: str) -> bool:
        key = (table.schema, name)
        return (
            name in table.constraints
            or name in table.indexes
            or key in self.model.tables
            or key in self.model.views
        )

    def _constraint_name(self, table: Table, spec: ev.ConstraintSpec) -> str:
        def taken(name: str) -> bool:
            return self._name_taken(table, name)

        if spec.kind == "primary":
            return choose_name(table.name, None, "pkey", taken)
        if spec.kind == "unique":  # INCLUDE columns count in the name
            return choose_name(table.name, column_part(spec.columns + spec.include), "key", taken)
        if spec.kind == "exclude":
            keys = (key_name(k.column, k.expression) for k in spec.keys)
            return choose_name(table.name, column_part(keys), "excl", taken)
        if spec.kind == "foreign":
            return choose_name(table.name, column_part(spec.columns), "fkey", taken)
        # check: named after its column when it reads exactly one
        used = sorted(column_refs(spec.expression)) if spec.expression is not None else []
        column = used[0] if len(used) == 1 else (spec.columns[0] if spec.columns else None)
        return choose_name(table.name, column, "check", taken)

    def _column(self, spec: ev.ColumnSpec, origin: ev.Origin) -> Column:
        return Column(
            spec.name,
            spec.type,
            spec.type_name,
            spec.not_null,
            spec.default,
            spec.generated,
            spec.identity,
            origin,
        )

    def _add_constraint(self, table: Table, spec: ev.ConstraintSpec, origin: ev.Origin) -> None:
        where = ev.Origin(origin.path, origin.statement, spec.span)
        if spec.kind == "not_null":
            for name in spec.columns:
                if name in table.columns:
                    table.columns[name].not_null = True
            return
        if spec.using_index and spec.name is None and spec.using_index in table.indexes:
            name = spec.using_index  # ADD UNIQUE USING INDEX i: the constraint is called i
        else:
            name = spec.name or self._constraint_name(table, spec)
        constraint = Constraint(name, spec.kind, spec.columns, where, not_valid=spec.not_valid)
        if spec.kind in ("primary", "unique", "exclude"):
            index = table.indexes.pop(spec.using_index, None) if spec.using_index else None
            if index is not None:
                constraint.columns = tuple(c for c in index.leading_columns if c is not None)
            else:
                keys = [replace(k) for k in spec.keys] or [ev.IndexKey(c) for c in spec.columns]
                index = Index(
                    table.schema,
                    name,
                    table.name,
                    keys,
                    where,
                    unique=spec.kind != "exclude",
                    method=spec.method if spec.kind == "exclude" else "btree",
                    include=spec.include,
                    nulls_not_distinct=spec.nulls_not_distinct,
                )
            index.name, index.constraint = name, name
            self._put_index(table, index)
            if spec.kind == "primary":
                for column in constraint.columns:
                    if column in table.columns:
                        table.columns[column].not_null = True
        elif spec.kind == "foreign":
            ref = self._find_table(spec.ref_schema, spec.ref_table or "")
            if spec.ref_table == table.name and not spec.ref_schema:
                ref = table  # a self-reference, before the table is on the path
            constraint.ref_schema = ref.schema if ref is not None else self._schema(spec.ref_schema)
            constraint.ref_table = spec.ref_table
            constraint.ref_columns = spec.ref_columns
            if not spec.ref_columns and ref is not None and ref.primary_key is not None:
                constraint.ref_columns = ref.primary_key.columns
            constraint.on_delete, constraint.on_update = spec.on_delete, spec.on_update
            self._note_reference(table, constraint)
        elif spec.kind == "check":
            constraint.expression = spec.expression
        table.constraints[name] = constraint

    def _copy_structure(self, table: Table, source: Table, options: int | None) -> None:
        """Columns (and, as LIKE's options say, defaults, checks and indexes) of `source`.
        `options` None: a parent's (INHERITS/PARTITION OF: columns, NOT NULL, checks)."""
        like = options is not None
        options = options or 0
        for column in source.columns.values():
            if column.name in table.columns:
                continue
            copy = Column(column.name, column.type, column.type_name, column.not_null)
            copy.origin = table.origin
            if not like or options & _LIKE_DEFAULTS:
                copy.default = column.default
            if not like or options & _LIKE_GENERATED:
                copy.generated = column.generated
            if like and options & 32:  # INCLUDING IDENTITY
                copy.identity = column.identity
            table.columns[column.name] = copy
        for constraint in source.constraints.values():
            if constraint.kind == "check" and (not like or options & _LIKE_CONSTRAINTS):
                name = constraint.name
                if name in table.constraints:
                    continue
                table.constraints[name] = Constraint(
                    name,
                    "check",
                    constraint.columns,
                    table.origin,  # a new, empty table: the copy is valid
                    expression=constraint.expression,
                )
        if like and options & _LIKE_INDEXES:  # new names, after the new table's
            for index in source.indexes.values():
                kind = None
                if index.constraint is not None and index.constraint in source.constraints:
                    kind = source.constraints[index.constraint].kind
                copied = ev.ConstraintSpec(
                    kind or "unique",
                    None,
                    tuple(c for c in index.leading_columns if c is not None),
                    table.origin.span,
                    include=index.include,
                    nulls_not_distinct=index.nulls_not_distinct,
                    method=index.method,
                    keys=tuple(index.keys),
                )
                if kind in ("primary", "unique", "exclude"):
                    self._add_constraint(table, copied, table.origin)
                    continue
                name = self._index_name(table, index)
                self._put_index(
                    table,
                    Index(
                        table.schema,
                        name,
                        table.name,
                        [replace(key) for key in index.keys],
                        table.origin,
                        index.unique,
                        index.method,
                        index.include,
                        index.predicate,
                        index.nulls_not_distinct,
                        index.options,
                    ),
                )

    def define_table(self, event: ev.DefineTable) -> None:
        table = self.model.tables.get((self._schema(event.schema), event.name))
        if table is None or (table.origin is not event.origin and table.origin != event.origin):
            return  # IF NOT EXISTS on a table that was there: nothing changes
        # inherited columns come first, then the list as written (LIKE where it stands)
        parents = ([event.partition_of] if event.partition_of else []) + event.inherits
        for schema, name in parents:
            parent = self._find_table(schema, name)
            if parent is None:
                table.columns_known = False  # its columns are not in the files sqlkit saw
                continue
            if event.partition_of:
                # a partition gets its parent's columns, checks and defaults, its keys and
                # indexes under names of its own, and its foreign keys under theirs
                table.partition_of = (parent.schema, parent.name)
                self._copy_structure(table, parent, _PARTITION)
                for fk in parent.foreign_keys:
                    table.constraints.setdefault(fk.name, replace(fk))
                    self._note_reference(table, fk)
            else:
                self._copy_structure(table, parent, None)
                table.inherits.append((parent.schema, parent.name))
            self._children.setdefault((parent.schema, parent.name), set()).add(
                (table.schema, table.name)
            )
        columns, origin = table.columns, event.origin
        if not event.like and not table.columns:  # the usual CREATE TABLE: nothing to merge
            for spec in event.columns:
                columns[spec.name] = Column(
                    spec.name,
                    spec.type,
                    spec.type_name,
                    spec.not_null,
                    spec.default,
                    spec.generated,
                    spec.identity,
                    origin,
                )
        for position in range(len(event.columns) + 1 if event.like or parents else 0):
            for schema, name, options, at in event.like:
                if at != position:
                    continue
                source = self._find_table(schema, name)
                if source is not None:
                    self._copy_structure(table, source, options)
                else:
                    table.columns_known = False
            if position == len(event.columns):
                break
            spec = event.columns[position]
            merged = table.columns.get(spec.name)
            if merged is None:
                table.columns[spec.name] = self._column(spec, event.origin)
            else:  # a definition of an inherited column adds to it
                merged.not_null = merged.not_null or spec.not_null
                if spec.default is not None:
                    merged.default = spec.default
        for constraint in event.constraints:
            self._add_constraint(table, constraint, event.origin)

    def create_index(self, event: ev.CreateIndex) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None:
            return  # an index on a materialized view, or on a table sqlkit did not see
        name = event.name
        if name is None:
            name = choose_name(
                table.name,
                column_part(
                    [key_name(k.column, k.expression) for k in event.keys] + list(event.include)
                ),
                "idx",
                lambda n: self._name_taken(table, n),
            )
        elif name in table.indexes or self._find_index(table.schema, name) is not None:
            return  # IF NOT EXISTS (or a statement that fails)
        index = Index(
            table.schema,
            name,
            table.name,
            [replace(key) for key in event.keys],  # replay renames keys; events stay as parsed
            event.origin,
            event.unique,
            event.method,
            event.include,
            event.predicate,
            event.nulls_not_distinct,
            event.options,
        )
        self._put_index(table, index)

    def add_column(self, event: ev.AddColumn) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None or event.column.name in table.columns:
            return
        table.columns[event.column.name] = self._column(event.column, event.origin)
        for constraint in event.constraints:
            self._add_constraint(table, constraint, event.origin)

    def drop_column(self, event: ev.DropColumn) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None or table.columns.pop(event.column, None) is None:
            return
        # indexes and constraints that involve the column go with it
        for name, index in list(table.indexes.items()):
            if event.column in index.columns_used():
                del table.indexes[name]
        for name, constraint in list(table.constraints.items()):
            used = set(constraint.columns)
            if constraint.expression is not None:
                used |= column_refs(constraint.expression)
            if event.column in used:
                self._drop_constraint(table, name)

    def alter_column(self, event: ev.AlterColumn) -> None:
        table = self._find_table(event.schema, event.table)
        column = table.columns.get(event.column) if table is not None else None
        if column is None:
            return
        if event.type_name is not None:
            column.type, column.type_name = event.type or event.type_name, event.type_name
            column.origin = event.origin
        if event.not_null is not None:
            column.not_null = event.not_null
        if event.default is not None:
            column.default = event.default
        elif event.drop_default:
            column.default = None

    def add_constraint(self, event: ev.AddConstraint) -> None:
        table = self._find_table(event.schema, event.table)
        if table is not None:
            self._add_constraint(table, event.constraint, event.origin)

    def _drop_constraint(self, table: Table, name: str) -> None:
        constraint = table.constraints.pop(name, None)
        if constraint is None:
            return
        for index_name, index in list(table.indexes.items()):
            if index.constraint == name:
                del table.indexes[index_name]
        if constraint.kind in ("primary", "unique"):
            # foreign keys that need this key went with it (CASCADE, or the drop fails)
            self._forget_references((table.schema, table.name), set(constraint.columns))

    def _note_reference(self, table: Table, fk: Constraint) -> None:
        target = (fk.ref_schema or "", fk.ref_table or "")
        self._referencing.setdefault(target, set()).add((table.schema, table.name))

    def _foreign_keys_to(self, key: tuple[str, str]) -> Iterator[tuple[Table, Constraint]]:
        """(table, foreign key) for every foreign key that references table `key`."""
        for source in list(self._referencing.get(key, ())):
            other = self.model.tables.get(source)
            if other is None:
                continue
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == key:
                    yield other, fk

    def _forget_references(self, key: tuple[str, str], columns: set[str] | None) -> None:
        """Drop the foreign keys that reference table `key` (those columns, or any)."""
        for other, fk in list(self._foreign_keys_to(key)):
            if columns is None or set(fk.ref_columns) & columns:
                other.constraints.pop(fk.name, None)

    def drop_constraint(self, event: ev.DropConstraint) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None:
            return
        if event.name in table.constraints:
            self._drop_constraint(table, event.name)
            return
        for column in table.columns.values():  # PG 18 names NOT NULL constraints t_col_not_null
            if event.name == f"{table.name}_{column.name}_not_null":
                column.not_null = False

    def validate_constraint(self, event: ev.ValidateConstraint) -> None:
        table = self._find_table(event.schema, event.table)
        if table is not None and event.name in table.constraints:
            table.constraints[event.name].not_valid = False

    def rename_column(self, event: ev.RenameColumn) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None or event.old not in table.columns:
            return
        old, new = event.old, event.new
        table.columns = {
            (new if name == old else name): column for name, column in table.columns.items()
        }
        table.columns[new].name = new

        def swap(names: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if name == old else name for name in names)

        for index in table.indexes.values():
            for key in index.keys:
                if key.column == old:
                    key.column = new
                elif key.expression is not None:
                    key.expression = rename_column_refs(key.expression, old, new)
            index.include = swap(index.include)
            if index.predicate is not None:
                index.predicate = rename_column_refs(index.predicate, old, new)
        for constraint in table.constraints.values():
            constraint.columns = swap(constraint.columns)
            if constraint.expression is not None:
                constraint.expression = rename_column_refs(constraint.expression, old, new)
        for _, fk in self._foreign_keys_to((table.schema, table.name)):
            fk.ref_columns = swap(fk.ref_columns)

    def rename_constraint(self, event: ev.RenameConstraint) -> None:
        table = self._find_table(event.schema, event.table)
        if table is None or event.old not in table.constraints:
            return
        constraint = table.constraints.pop(event.old)
        constraint.name = event.new
        table.constraints[event.new] = constraint
        index = table.indexes.pop(event.old, None)  # a key's index is renamed with it
        if index is not None:
            index.name, index.constraint = event.new, event.new
            self._put_index(table, index)

    def rename_relation(self, event: ev.RenameRelation) -> None:
        # ALTER INDEX renames a table too, and ALTER TABLE an index: whatever has the name
        is_table = self._find_table(event.schema, event.old) is not None
        if event.kind == "index" or not is_table:
            for schema in [event.schema] if event.schema else [*self.search_path, "public"]:
                found = self._find_index(schema, event.old)
                if found is not None:
                    table, index = found
                    del table.indexes[event.old]
                    index.name = event.new
                    self._put_index(table, index)
                    if index.constraint is not None and index.constraint in table.constraints:
                        constraint = table.constraints.pop(index.constraint)
                        constraint.name = index.constraint = event.new
                        table.constraints[event.new] = constraint
                    return
        renamed = self._find_table(event.schema, event.old)
        if renamed is not None:
            self.move_relation(
                ev.MoveRelation(
                    event.origin, "table", renamed.schema, renamed.name, new_name=event.new
                )
            )

    def attach_partition(self, event: ev.AttachPartition) -> None:
        parent = self._find_table(event.schema, event.parent)
        child = self._find_table(event.child_schema, event.child)
        if parent is None or child is None:
            return
        if event.detach:
            child.partition_of = None  # it keeps the keys, indexes and foreign keys it had
            return
        child.partition_of = (parent.schema, parent.name)
        # the parent's keys and indexes: an equal index of the child is attached, else one
        # is built; its foreign keys are cloned
        have = {index.definition() for index in child.indexes.values()}
        for index in parent.indexes.values():
            if index.definition() in have:
                continue
            owner = parent.constraints.get(index.constraint or "")
            if owner is not None and owner.kind in ("primary", "unique", "exclude"):
                spec = ev.ConstraintSpec(
                    owner.kind,
                    None,
                    owner.columns,
                    event.origin.span,
                    include=index.include,
                    method=index.method,
                    keys=tuple(index.keys),
                )
                self._add_constraint(child, spec, event.origin)
                continue
            name = self._index_name(child, index)
            copy = replace(
                index,
                schema=child.schema,
                name=name,
                table=child.name,
                keys=[replace(key) for key in index.keys],
                origin=event.origin,
            )
            self._put_index(child, copy)
        for fk in parent.foreign_keys:
            child.constraints.setdefault(fk.name, replace(fk))
            self._note_reference(child, fk)
        self._children.setdefault((parent.schema, parent.name), set()).add(
            (child.schema, child.name)
        )

    def drop_indexes(self, event: ev.DropIndexes) -> None:
        for schema, name in event.names:
            for candidate in [schema] if schema else [*self.search_path, "public"]:
                found = self._find_index(candidate, name)
                if found is not None:
                    table, index = found
                    if index.constraint is None:  # a key's index goes only with its key
                        del table.indexes[name]
                    break

    # -------------------------------------------------------------- extensions
    def create_extension(self, event: ev.CreateExtension) -> None:
        if event.name in self.model.extensions:
            return  # IF NOT EXISTS (without it the statement fails)
        schema = event.schema or self._schema(None)
        self.model.extensions[event.name] = Extension(
            event.name, schema, event.origin, event.version
        )

    def alter_extension(self, event: ev.AlterExtension) -> None:
        extension = self.model.extensions.get(event.name)
        if extension is None:
            return
        if event.new_schema is not None:
            extension.schema = event.new_schema
            extension.origin = event.origin
        if event.version is not None:
            extension.version = event.version

    def drop_extensions(self, event: ev.DropExtensions) -> None:
        for name in event.names:
            self.model.extensions.pop(name, None)

    def create_queue(self, event: ev.CreateQueue) -> None:
        """pgmq.create(name): a queue table and its archive, in schema pgmq."""
        defaults = self.model.table_defaults.for_schema("pgmq")
        for prefix in ("q_", "a_"):
            name = prefix + event.name.lower()
            if event.drop:
                self.model.tables.pop(("pgmq", name), None)
                self.model.remove_policies_on("pgmq", name)
                continue
            if ("pgmq", name) in self.model.tables:
                continue
            table = Table(
                "pgmq",
                name,
                event.origin,
                privileges={role: set(privs) for role, privs in defaults.items()},
            )
            table.columns["msg_id"] = Column("msg_id", "bigint", "int8", True)
            table.columns["message"] = Column("message", "jsonb", "jsonb")
            key = f"{name}_pkey"
            table.constraints[key] = Constraint(key, "primary", ("msg_id",), event.origin)
            self._put_index(
                table,
                Index(
                    "pgmq", key, name, [ev.IndexKey("msg_id")], event.origin, True, constraint=key
                ),
            )
            self.model.tables[("pgmq", name)] = table

    def set_search_path(self, event: ev.SetSearchPath) -> None:
        self.search_path = [s for s in event.schemas if s and s != "$user"]

    # ------------------------------------------------------------------ schemas
    def create_schema(self, event: ev.CreateSchema) -> None:
        if event.name in self.model.existing_schemas:
            return  # CREATE SCHEMA IF NOT EXISTS on one already there
        self.model.existing_schemas.add(event.name)
        self.model.created_schemas.add(event.name)
        if not event.with_elements:  # what it holds is not all in the model
            self.model.project_schemas.add(event.name)
        self.model.schema_privileges[event.name] = {}  # only its owner may use it

    def drop_schemas(self, event: ev.DropSchemas) -> None:
        for name in event.names:
            self.model.existing_schemas.discard(name)
            self.model.created_schemas.discard(name)
            self.model.schema_privileges.pop(name, None)

    # ---------------------------------------------------------- renames, moves
    def move_relation(self, event: ev.MoveRelation) -> None:
        """RENAME TO / SET SCHEMA of a table or view: its RLS, grants, policies, columns,
        indexes and the foreign keys that reference it go with it."""
        old = (self._schema(event.schema), event.name)
        new = (event.new_schema or old[0], event.new_name or old[1])
        if event.new_schema:
            self.model.existing_schemas.add(event.new_schema)
        table = self.model.tables.pop(old, None)
        if table is None:  # ALTER TABLE ... RENAME/SET SCHEMA works on views too
            view = self.model.views.pop(old, None)
            if view is not None:
                view.schema, view.name = new
                self.model.views[new] = view
            return
        table.schema, table.name = new
        table.moved_origin = event.origin
        self.model.tables[new] = table
        for policy in self.model.policies_on(*old):
            self.model.remove_policy(policy.schema, policy.table, policy.name)
            policy.schema, policy.table = new
            self.model.add_policy(policy)
        for function in self.model.functions.values():
            if old in function.trigger_tables:
                function.trigger_tables.discard(old)
                function.trigger_tables.add(new)
        for index in table.indexes.values():  # indexes follow their table, schema included
            self._index_tables.pop((old[0], index.name), None)
            index.schema, index.table = new
            self._index_tables[(new[0], index.name)] = new
        for _, fk in list(self._foreign_keys_to(old)):
            fk.ref_schema, fk.ref_table = new
        # the reverse links follow both ends of the move
        self._referencing[new] = self._referencing.pop(old, set())
        self._children[new] = self._children.pop(old, set())
        for links in (*self._referencing.values(), *self._children.values()):
            if old in links:
                links.discard(old)
                links.add(new)

    def rename_policy(self, event: ev.RenamePolicy) -> None:
        schema = self._schema(event.schema)
        policy = self.model.policies.get((schema, event.table, event.name))
        if policy is None:
            return
        self.model.remove_policy(schema, event.table, event.name)
        policy.name = event.new_name
        self.model.add_policy(policy)

    # -------------------------------------------------------------------- roles
    def role_inherit(self, event: ev.RoleInherit) -> None:
        if event.inherit:
            self.model.noinherit.discard(event.role)
        else:
            self.model.noinherit.add(event.role)

    # ----------------------------------------------------------------- triggers
    def create_trigger(self, event: ev.CreateTrigger) -> None:
        table = (self._schema(event.schema), event.table)
        ref = ev.RoutineRef(event.function_schema, event.function_name, (), "function")
        for function in self.model.resolve(ref, self.search_path):
            function.trigger_tables.add(table)
            function.transition_tables.update(event.transition_tables)
        self.model.temp_relations.update(event.transition_tables)

    # ---------------------------------------------------------------- sequences
    def create_sequence(self, event: ev.CreateSequence) -> None:
        self.model.sequences[(self._created_in(event.schema), event.name)] = event.origin

    def create_callable(self, event: ev.CreateCallable) -> None:
        self.model.callables.add(event.name)

    def create_coercion(self, event: ev.CreateCoercion) -> None:
        self.model.coercions.add((event.kind, event.left, event.right))

    def temp_relation(self, event: ev.TempRelation) -> None:
        self.model.temp_relations.add(event.name)

    def secret(self, event: ev.Secret) -> None:
        if event.place in ("function", "procedure", "table") and event.name:
            event = ev.Secret(
                event.origin, event.credential, event.place, self._schema(event.schema), event.name
            )
        self.model.secrets.append(event)

    # --------------------------------------------------------- migration safety
    def lock_relation(self, event: ev.LockRelation) -> None:
        """Nothing changes: a step was recorded before (`steps_of_lock`)."""

    def refused_in_transaction(self, event: ev.RefusedInTransaction) -> None:
        """Nothing changes in the model: SK404 reads the event from its file."""

    def set_setting(self, event: ev.SetSetting) -> None:
        if event.name == "all":
            self.session = {}
            return
        session = dict(self.session)
        session.pop(f"{event.name}:local", None)
        if event.value is None:
            session.pop(event.name, None)
        else:
            session[event.name] = event.value
            if event.local:  # SET LOCAL: gone with the statement's own transaction when the
                session[f"{event.name}:local"] = "true"  # file runs outside one
        self.session = session

    def _step(
        self, event: ev.Event, schema: str | None, name: str, **facts: Any
    ) -> tuple[Step, Table | None] | None:
        """Record what `event` finds of table `schema.name`; None when it names a view."""
        table = self._find_table(schema, name)
        if table is None and (self._schema(schema), name) in self.model.views:
            return None  # ALTER TABLE works on views too; their locks block no writer
        if table is None and schema in (None, "pg_temp") and name in self.model.temp_relations:
            return None  # this session's temporary table: no one else's query waits on it
        sequence = self.model.sequences.get((self._schema(schema), name))
        if table is None and sequence is not None and sequence.path == self.current_path:
            return None  # ALTER TABLE on a sequence this file created (pg_dump 15's OWNER TO)
        step = Step(
            event,
            table.qualified_name if table is not None else f"{self._schema(schema)}.{name}",
            existing=table is None or table.origin.path != self.current_path,
            known=table is not None,
            table_kind=table.kind if table is not None else "table",
            settings=self.session,
            **facts,
        )
        self.model.steps.append(step)
        return step, table

    def _column_step(
        self, event: ev.Event, schema: str | None, table_name: str, column: str
    ) -> None:
        found = self._step(event, schema, table_name)
        if found is None:
            return
        step, table = found
        current = table.columns.get(column) if table is not None else None
        if current is not None:
            step.column = replace(current)
            step.column_existing = step.existing and id(current) not in self._added_columns

    def steps_of_lock(self, event: ev.LockRelation) -> None:
        if event.relation == "table":
            found = self._step(event, event.schema, event.name)
            if found is not None and event.index is not None and found[1] is not None:
                found[0].index_exists = event.index in found[1].indexes
            return
        if event.relation == "index":
            for schema in [event.schema] if event.schema else [*self.search_path, "public"]:
                located = self._find_index(schema, event.name)
                if located is not None:
                    table, index = located
                    fresh = self.current_path in (table.origin.path, index.origin.path)
                    self.model.steps.append(
                        Step(
                            event,
                            table.qualified_name,
                            not fresh,
                            True,
                            table.kind,
                            settings=self.session,
                        )
                    )
                    return
            where = f"{self._schema(event.schema)}.{event.name}"
            self.model.steps.append(Step(event, where, True, False, settings=self.session))
            return
        if event.relation == "view":
            for schema in [event.schema] if event.schema else [*self.search_path, "public"]:
                view = self.model.views.get((schema, event.name))
                if view is not None:
                    existing = view.origin.path != self.current_path
                    step = Step(
                        event, view.qualified_name, existing, True, "view", settings=self.session
                    )
                    self.model.steps.append(step)
                    return
            where = f"{self._schema(event.schema)}.{event.name}"
            self.model.steps.append(Step(event, where, True, False, "view", settings=self.session))
            return
        where = f"schema {event.schema}" if event.relation == "schema" else "the database"
        self.model.steps.append(Step(event, where, True, False, settings=self.session))

    def steps_of_column(self, event: ev.DropColumn | ev.AlterColumn) -> None:
        self._column_step(event, event.schema, event.table, event.column)
        if isinstance(event, ev.AlterColumn) and event.not_null and self.model.steps:
            step = self.model.steps[-1]
            if step.event is event:
                step.proven_not_null = self._proven_not_null(event.schema, event.table)

    def steps_of_rename_column(self, event: ev.RenameColumn) -> None:
        self._column_step(event, event.schema, event.table, event.old)

    def steps_of_add_column(self, event: ev.AddColumn) -> Callable[[], None] | None:
        found = self._step(event, event.schema, event.table)
        table = found[1] if found is not None else None
        if table is None:
            return None
        if event.column.name in table.columns:  # ADD COLUMN IF NOT EXISTS finds it there
            found[0].column = replace(table.columns[event.column.name])  # type: ignore[index]
            return None

        def added() -> None:  # ADD COLUMN made it: dropping or renaming it later breaks no one
            column = table.columns.get(event.column.name)
            if column is not None:
                self._added_columns[id(column)] = column

        return added

    def steps_of_add_constraint(self, event: ev.AddConstraint) -> Callable[[], None] | None:
        found = self._step(event, event.schema, event.table)
        table = found[1] if found is not None else None
        spec = event.constraint
        if found is not None and spec.kind == "not_null":
            found[0].proven_not_null = self._proven_not_null(event.schema, event.table)
        if table is None or not spec.not_valid:
            return None
        before = set(table.constraints)

        def added() -> None:  # a NOT VALID constraint added here: VALIDATE it in another file
            names = set(table.constraints) - before
            if spec.kind == "not_null":  # not kept as a constraint: PostgreSQL's name for it
                names = {spec.name or f"{table.name}_{c}_not_null" for c in spec.columns}
            self._not_valid_here.update((id(table), name) for name in names)

        return added

    def steps_of_validate(self, event: ev.ValidateConstraint) -> None:
        found = self._step(event, event.schema, event.table)
        if found is not None and found[1] is not None:
            found[0].constraint_existing = (id(found[1]), event.name) not in self._not_valid_here

    def _proven_not_null(self, schema: str | None, name: str) -> frozenset[str]:
        """Columns that are NOT NULL already, or that a validated CHECK proves NOT NULL."""
        table = self._find_table(schema, name)
        if table is None:
            return frozenset()
        proven = {column.name for column in table.columns.values() if column.not_null}
        for constraint in table.constraints.values():
            if constraint.kind == "check" and not constraint.not_valid:
                proven |= proven_not_null(constraint.expression)
        return frozenset(proven)


# events whose step is recorded before they are replayed (the step may return a function to
# call after, with what the event made)
STEPS: dict[type, Callable[[Replayer, Any], Callable[[], None] | None]] = {
    ev.LockRelation: Replayer.steps_of_lock,
    ev.AddColumn: Replayer.steps_of_add_column,
    ev.DropColumn: Replayer.steps_of_column,
    ev.AlterColumn: Replayer.steps_of_column,
    ev.RenameColumn: Replayer.steps_of_rename_column,
    ev.AddConstraint: Replayer.steps_of_add_constraint,
    ev.ValidateConstraint: Replayer.steps_of_validate,
}

# every event type's handler (a test checks none is missing: an event is never dropped silently)
REPLAY: dict[type, Callable[[Replayer, Any], None]] = {
    ev.RoutineDef: Replayer.routine_def,
    ev.AlterRoutine: Replayer.alter_routine,
    ev.CommentRoutine: Replayer.comment_routine,
    ev.DropRoutines: Replayer.drop_routines,
    ev.Grant: Replayer.grant,
    ev.DefaultPrivileges: Replayer.default_privileges,
    ev.GrantRole: Replayer.grant_role,
    ev.CreateTable: Replayer.create_table,
    ev.AlterTableRls: Replayer.alter_table_rls,
    ev.DropRelations: Replayer.drop_relations,
    ev.CreatePolicy: Replayer.create_policy,
    ev.AlterPolicy: Replayer.alter_policy,
    ev.DropPolicy: Replayer.drop_policy,
    ev.CreateView: Replayer.create_view,
    ev.AlterViewOptions: Replayer.alter_view_options,
    ev.SetSearchPath: Replayer.set_search_path,
    ev.DefineTable: Replayer.define_table,
    ev.CreateIndex: Replayer.create_index,
    ev.AddColumn: Replayer.add_column,
    ev.DropColumn: Replayer.drop_column,
    ev.AlterColumn: Replayer.alter_column,
    ev.AddConstraint: Replayer.add_constraint,
    ev.DropConstraint: Replayer.drop_constraint,
    ev.ValidateConstraint: Replayer.validate_constraint,
    ev.RenameColumn: Replayer.rename_column,
    ev.RenameConstraint: Replayer.rename_constraint,
    ev.RenameRelation: Replayer.rename_relation,
    ev.AttachPartition: Replayer.attach_partition,
    ev.DropIndexes: Replayer.drop_indexes,
    ev.CreateExtension: Replayer.create_extension,
    ev.AlterExtension: Replayer.alter_extension,
    ev.DropExtensions: Replayer.drop_extensions,
    ev.CreateQueue: Replayer.create_queue,
    ev.CreateSchema: Replayer.create_schema,
    ev.DropSchemas: Replayer.drop_schemas,
    ev.MoveRelation: Replayer.move_relation,
    ev.RenamePolicy: Replayer.rename_policy,
    ev.RoleInherit: Replayer.role_inherit,
    ev.CreateTrigger: Replayer.create_trigger,
    ev.CreateSequence: Replayer.create_sequence,
    ev.CreateCallable: Replayer.create_callable,
    ev.CreateCoercion: Replayer.create_coercion,
    ev.TempRelation: Replayer.temp_relation,
    ev.Secret: Replayer.secret,
    ev.LockRelation: Replayer.lock_relation,
    ev.RefusedInTransaction: Replayer.refused_in_transaction,
    ev.SetSetting: Replayer.set_setting,
}


def replay(events: Iterable[ev.Event], target: str, migration_role: str = "postgres") -> Model:
    return Replayer(new_model(target, migration_role)).replay(events)
