"""Introspect a live database into the same `Model` the linter replays from files.

Function bodies come from `pg_get_functiondef` and go through the same SQL layer
as files; security, volatility, settings and privileges come from the catalog
itself (`has_function_privilege`, ACLs), not from replaying statements. Objects
of Supabase-managed schemas, pg_catalog and extensions are left out.
"""

from __future__ import annotations

from typing import Any

import psycopg

from sqlkit.model.events import Origin, RoutineDef
from sqlkit.model.extract import KINDS, extract_events, normalise_search_path
from sqlkit.model.state import Function, Model, Policy, RoutineKey, Table, View
from sqlkit.sql.source import Source
from sqlkit.sql.split import parse_statements

MANAGED_SCHEMAS = (
    "pg_catalog",
    "information_schema",
    "pg_toast",
    "auth",
    "storage",
    "extensions",
    "net",
    "graphql",
    "graphql_public",
    "realtime",
    "supabase_functions",
    "supabase_migrations",
    "vault",
    "pgsodium",
    "pgsodium_masks",
    "cron",
    "pgbouncer",
    "sqlkit",
    "sqlkit_test",
    "_realtime",
    "_analytics",
)
API_ROLES = ("anon", "authenticated", "service_role", "supabase_auth_admin", "authenticator")
_CMD = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}


def _origin(name: str) -> Origin:
    return Origin(name, 0, (1, 1, 1, 1))


def introspect(conn: psycopg.Connection, target: str) -> Model:
    """The model of what is deployed: functions, tables, policies, views, privileges."""
    model = Model(target=target)
    # an empty path makes regprocedure and pg_get_* print every name schema-qualified
    conn.execute("select pg_catalog.set_config('search_path', '', false)")
    rows = conn.execute("select rolname, rolinherit from pg_catalog.pg_roles").fetchall()
    roles = {r[0] for r in rows}
    model.noinherit = {name for name, inherit in rows if not inherit}
    present = [r for r in API_ROLES if r in roles]
    _functions(conn, model, present)
    _schemas(conn, model)
    _tables(conn, model)
    _policies(conn, model)
    _views(conn, model)
    if "authenticator" in roles:
        for role in ("anon", "authenticated", "service_role"):
            if role in roles:
                model.role_parents.setdefault("authenticator", set()).add(role)
    return model


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


def _functions(conn: psycopg.Connection, model: Model, roles: list[str]) -> None:
    privilege = (
        ", ".join(
            f"pg_catalog.has_function_privilege({sql_literal(r)}, p.oid, 'EXECUTE')" for r in roles
        )
        or "null"
    )
    rows = conn.execute(f"""
        select p.oid, n.nspname, p.proname, p.prokind, p.prosecdef, p.provolatile, p.proconfig,
               p.oid::pg_catalog.regprocedure::text,
               pg_catalog.pg_get_functiondef(p.oid),
               exists (select 1 from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE'),
               array[{privilege}]
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where {managed_filter("n.nspname")} and p.prokind in ('f', 'p')
          and {not_extension_member("pg_proc", "p.oid")}
        order by 2, 3, 8
    """).fetchall()
    for (
        _oid,
        schema,
        name,
        _kind,
        secdef,
        volatility,
        config,
        display,
        definition,
        public,
        grants,
    ) in rows:
        source = Source(path=display, text=definition)
        events = [
            e
            for e in extract_events(source, parse_statements(source, kinds=KINDS))
            if isinstance(e, RoutineDef)
        ]
        if not events:
            continue
        routine = events[0]
        settings: dict[str, str] = {}
        for item in config or ():
            key, _, value = item.partition("=")
            settings[key] = normalise_search_path([value]) if key == "search_path" else value
        execute = {"public"} if public else set()
        execute |= {role for role, granted in zip(roles, grants or [], strict=False) if granted}
        key = RoutineKey(schema, name, routine.arg_types)
        model.add_function(
            Function(
                key=key,
                definition=routine,
                security_definer=bool(secdef),
                security_origin=routine.origin,
                definer_reason=True,  # a live database keeps no comments beside the clause: SK103 is for files
                volatility=_VOLATILITY.get(volatility, "volatile"),
                volatility_written=True,
                strict=routine.strict,
                config=settings,
                config_origins={k: routine.origin for k in settings},
                execute=execute,
                granted_explicitly=set(execute),
            )
        )


def _grantees(acl: str, default: str, owner: str, privileges: str) -> str:
    """SQL: `role:privilege` texts of an ACL's grants (PUBLIC as `public`), owner left out."""
    return (
        "array(select case when a.grantee = 0 then 'public' else "
        "pg_catalog.pg_get_userbyid(a.grantee)::text end || ':' || lower(a.privilege_type) "
        f"from pg_catalog.aclexplode(coalesce({acl}, pg_catalog.acldefault('{default}', {owner}))) a "
        f"where a.grantee <> {owner} and a.privilege_type in ({privileges}))"
    )


def _privileges(grants: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for grant in grants or ():
        role, _, privilege = grant.rpartition(":")
        out.setdefault(role, set()).add(privilege)
    return out


def _schemas(conn: psycopg.Connection, model: Model) -> None:
    """Which roles may USE each schema (who reaches the functions and tables in it)."""
    usage = _grantees("n.nspacl", "n", "n.nspowner", "'USAGE'")
    for schema, grants in conn.execute(
        f"select n.nspname, {usage} from pg_catalog.pg_namespace n"
    ).fetchall():
        model.existing_schemas.add(schema)
        model.schema_privileges[schema] = _privileges(grants)


def _tables(conn: psycopg.Connection, model: Model) -> None:
    privileges = _grantees(
        "c.relacl", "r", "c.relowner", "'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'"
    )
    rows = conn.execute(f"""
        select n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
               {privileges}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and {managed_filter("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
    """).fetchall()
    for schema, name, kind, rls, forced, grants in rows:
        origin = _origin(f"{schema}.{name}")
        model.tables[(schema, name)] = Table(
            schema,
            name,
            origin,
            "partitioned" if kind == "p" else "table",
            bool(rls),
            bool(forced),
            origin if rls else None,
            _privileges(grants),
        )


def _expression(text: str | None) -> Any:
    if text is None:
        return None
    from sqlkit.sql.body import parse_expression

    return parse_expression(text)


def _policies(conn: psycopg.Connection, model: Model) -> None:
    rows = conn.execute(f"""
        select n.nspname, c.relname, pol.polname, pol.polpermissive, pol.polcmd,
               array(select case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r)::text end
                     from unnest(pol.polroles) r),
               pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
               pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)
        from pg_catalog.pg_policy pol
        join pg_catalog.pg_class c on c.oid = pol.polrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where {managed_filter("n.nspname")}
    """).fetchall()
    for schema, table, name, permissive, cmd, roles, using, check in rows:
        origin = _origin(f"{schema}.{table}.{name}")
        model.add_policy(
            Policy(
                schema,
                table,
                name,
                origin,
                bool(permissive),
                _CMD.get(cmd, "all"),
                list(roles),
                _expression(using),
                _expression(check),
                "",
                explicit_roles="public" not in roles,
            )
        )


def _views(conn: psycopg.Connection, model: Model) -> None:
    rows = conn.execute(f"""
        select n.nspname, c.relname, c.relkind, coalesce(c.reloptions, '{{}}'),
               pg_catalog.pg_get_viewdef(c.oid)
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm') and {managed_filter("n.nspname")}
    """).fetchall()
    for schema, name, kind, options, definition in rows:
        opts = dict(o.split("=", 1) for o in options if "=" in o)
        relations = _relations(definition)
        model.views[(schema, name)] = View(
            schema, name, _origin(f"{schema}.{name}"), kind == "m", opts, relations
        )


def _relations(query: str) -> list[tuple[str | None, str]]:
    from pglast import parser as pg_parser

    from sqlkit.sql.fastjson import loads
    from sqlkit.sql.tree import walk

    try:
        tree = loads(pg_parser.parse_sql_json(query))
    except pg_parser.ParseError:
        return []
    out: list[tuple[str | None, str]] = []
    for kind, node in walk(tree):
        if kind == "RangeVar" and "relname" in node:
            out.append((node.get("schemaname"), node["relname"]))
    return out
