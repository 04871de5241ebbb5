"""Replay events, in migration order, into a `Model`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlkit.model import events as ev
from sqlkit.model.state import DefaultAcl, Function, Model, Policy, RoutineKey, Table, View

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
    """An empty database of the target: its roles, schemas and default privileges (SPEC §3.1).

    `migration_role` is the role that runs the migrations: `ALTER DEFAULT PRIVILEGES FOR
    ROLE r` changes only what r creates, so only the ones for this role (or without FOR
    ROLE) apply to the project's objects.
    """
    model = Model(target=target)
    model.migration_role = migration_role
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

    def replay(self, events: Iterable[ev.Event]) -> Model:
        for event in events:
            path = event.origin.path
            if path != self.current_path:  # each file starts a fresh session
                self.current_path = path
                self.search_path = ["public"]
            REPLAY[type(event)](self, event)
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
                execute={
                    role for role, privs in acl.items() if "execute" in privs or "all" in privs
                },
            )
        )

    def alter_routine(self, event: ev.AlterRoutine) -> None:
        for function in self.model.resolve(event.ref, self.search_path):
            if "ALL" in event.reset:
                function.config.clear()
                function.config_origins.clear()
            for name in event.reset:
                function.config.pop(name, None)
                function.config_origins.pop(name, None)
            for name, value in event.set_config.items():
                function.config[name] = value
                function.config_origins[name] = ev.Origin(
                    event.origin.path,
                    event.origin.statement,
                    event.config_spans.get(name, event.origin.span),
                )
            if event.security_definer is not None:
                function.security_definer = event.security_definer
                function.security_origin = event.origin
                function.definer_reason = event.definer_reason
            if event.volatility is not None:
                function.volatility = event.volatility
                function.volatility_written = True
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
            tables: list[Table] = []
            for named_schema, name in event.tables:
                table = self.model.tables.get((self._schema(named_schema), name))
                if table is not None:
                    tables.append(table)
            for schema in event.all_in_schemas:
                tables.extend(t for (s, _), t in self.model.tables.items() if s == schema)
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
            else:
                self.model.views.pop(key, None)

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
            )
        )

    def alter_policy(self, event: ev.AlterPolicy) -> None:
        policy = self.model.policies.get((self._schema(event.schema), event.table, event.name))
        if policy is None:
            return
        if event.roles is not None:
            policy.roles = event.roles
            policy.explicit_roles = True
        if event.using is not None:
            policy.using = event.using
        if event.with_check is not None:
            policy.with_check = event.with_check
        if event.using is not None or event.with_check is not None:
            policy.facts = None  # worked out again from the new expressions

    def drop_policy(self, event: ev.DropPolicy) -> None:
        self.model.remove_policy(self._schema(event.schema), event.table, event.name)

    def create_view(self, event: ev.CreateView) -> None:
        schema = self._created_in(event.schema)
        self.model.views[(schema, event.name)] = View(
            schema,
            event.name,
            event.origin,
            event.materialized,
            dict(event.options),
            event.relations,
        )

    def alter_view_options(self, event: ev.AlterViewOptions) -> None:
        view = self.model.views.get((self._schema(event.schema), event.name))
        if view is None:
            return
        view.options.update(event.options)
        for name in event.reset:
            view.options.pop(name, None)

    def set_search_path(self, event: ev.SetSearchPath) -> None:
        self.search_path = [s for s in event.schemas if s and s != "$user"]

    # ------------------------------------------------------------------ schemas
    def create_schema(self, event: ev.CreateSchema) -> None:
        if event.name in self.model.existing_schemas:
            return  # CREATE SCHEMA IF NOT EXISTS on one already there
        self.model.existing_schemas.add(event.name)
        self.model.schema_privileges[event.name] = {}  # only its owner may use it

    def drop_schemas(self, event: ev.DropSchemas) -> None:
        for name in event.names:
            self.model.existing_schemas.discard(name)
            self.model.schema_privileges.pop(name, None)

    # ---------------------------------------------------------- renames, moves
    def move_relation(self, event: ev.MoveRelation) -> None:
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
        self.model.tables[new] = table
        for policy in self.model.policies_on(*old):
            self.model.remove_policy(policy.schema, policy.table, policy.name)
            policy.schema, policy.table = new
            self.model.add_policy(policy)
        for function in self.model.functions.values():
            if old in function.trigger_tables:
                function.trigger_tables.discard(old)
                function.trigger_tables.add(new)

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

    def secret(self, event: ev.Secret) -> None:
        if event.place in ("function", "procedure", "table") and event.name:
            event = ev.Secret(
                event.origin, event.credential, event.place, self._schema(event.schema), event.name
            )
        self.model.secrets.append(event)


# every event type's handler (a test checks none is missing: an event is never dropped silently)
REPLAY: dict[type, Callable[[Replayer, Any], None]] = {
    ev.RoutineDef: Replayer.routine_def,
    ev.AlterRoutine: Replayer.alter_routine,
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
    ev.CreateSchema: Replayer.create_schema,
    ev.DropSchemas: Replayer.drop_schemas,
    ev.MoveRelation: Replayer.move_relation,
    ev.RenamePolicy: Replayer.rename_policy,
    ev.RoleInherit: Replayer.role_inherit,
    ev.CreateTrigger: Replayer.create_trigger,
    ev.Secret: Replayer.secret,
}


def replay(events: Iterable[ev.Event], target: str, migration_role: str = "postgres") -> Model:
    return Replayer(new_model(target, migration_role)).replay(events)
