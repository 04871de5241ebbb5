"""What a database holds, object by object, in a form two databases can be compared in.

Each object carries `facts`: named, normalised values that `sqlkit diff` compares one
by one (a function's body as a canonical parse tree, its `search_path`, its EXECUTE
grantees, ...), the readable definition a changed object is shown with, and what
`--emit-sql` and `sqlkit pull` need to recreate it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from sqlkit.live.introspect import managed_filter, not_extension_member
from sqlkit.live.normalise import canonical_body, canonical_expression, canonical_sql
from sqlkit.model.search_path import normalise_search_path

DEPLOYER = "(deployer)"
KINDS = ("function", "procedure", "view", "table", "trigger", "policy")
_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}
_PARALLEL = {"s": "safe", "r": "restricted", "u": "unsafe"}
_COMMAND = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
_ENABLED = {"O": "enabled", "D": "disabled", "R": "replica", "A": "always"}


@dataclass
class DbObject:
    """One deployed object: what identifies it, what diff compares, how to recreate it."""

    kind: str  # one of KINDS
    name: str  # the key and display name: public.f(uuid), public.students.own_rows
    schema: str
    facts: dict[str, str]
    text: str = ""  # the readable definition (unified diffs, pull)
    ident: str = ""  # how DDL names it: public.f(uuid), public.v, public.t
    owner: str = ""  # quoted role name
    grantees: frozenset[str] = frozenset()  # EXECUTE, quoted role names or "public"
    privileges: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # tables, views: role → privileges
    comment: str | None = None
    table: str = ""  # the qualified table of a trigger or policy
    local_name: str = ""  # the quoted name of a trigger or policy
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Snapshot:
    """Every object of the compared schemas, keyed by (kind, name)."""

    objects: dict[tuple[str, str], DbObject]
    deployer: str  # the role that applies migrations: owner of sqlkit.schema_history
    function_grantees: frozenset[str]  # roles a new function may get EXECUTE by default
    server_version: int
    relation_grantees: frozenset[str] = (
        frozenset()
    )  # roles a new view may get privileges by default
    schemas: frozenset[str] = frozenset()  # of the schemas asked for, those that exist here

    def of_kind(self, kind: str) -> list[DbObject]:
        return [o for (k, _), o in sorted(self.objects.items()) if k == kind]


def take_snapshot(conn: psycopg.Connection, schemas: Sequence[str] = ()) -> Snapshot:
    """Read functions, procedures, views, tables (RLS flags), triggers and policies."""
    # an empty path makes regprocedure, regclass and pg_get_* print every name qualified
    conn.execute("select pg_catalog.set_config('search_path', '', false)")
    # read from the catalog, which needs no privilege on the sqlkit schema (diff and pull
    # work for a read-only role)
    row = conn.execute(
        "select coalesce((select pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)) "
        "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'sqlkit' and c.relname = 'schema_history'), "
        "pg_catalog.quote_ident(current_user))"
    ).fetchone()
    deployer = str(row[0]) if row else ""
    version = conn.info.server_version
    scope = _Scope(schemas)
    objects: dict[tuple[str, str], DbObject] = {}
    for obj in (
        *_functions(conn, scope, deployer, version),
        *_views(conn, scope, deployer),
        *_tables(conn, scope),
        *_triggers(conn, scope),
        *_policies(conn, scope),
    ):
        objects[(obj.kind, obj.name)] = obj
    present = conn.execute(
        "select nspname from pg_catalog.pg_namespace where nspname = any(%s)", [list(schemas)]
    ).fetchall()
    return Snapshot(
        objects,
        deployer,
        _default_grantees(conn, "f"),
        version,
        relation_grantees=_default_grantees(conn, "r"),
        schemas=frozenset(row[0] for row in present),
    )


def _default_grantees(conn: psycopg.Connection, objtype: str) -> frozenset[str]:
    """Roles a new object may get privileges on automatically: the API roles and whoever
    default privileges name. Resetting a new object's grants revokes from them."""
    roles = {r[0] for r in conn.execute("select rolname from pg_catalog.pg_roles")}
    grantees = {r for r in ("anon", "authenticated", "service_role") if r in roles}
    for (grantee,) in conn.execute(
        "select distinct pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) "
        "from pg_catalog.pg_default_acl d, pg_catalog.aclexplode(d.defaclacl) a "
        "where d.defaclobjtype = %s and a.grantee <> 0",
        [objtype],
    ):
        grantees.add(grantee)
    return frozenset(grantees)


# every privilege on a table or view, but the owner's: 'role:privilege' entries
_RELATION_ACL = """array(
    select case when a.grantee = 0 then 'public'
                else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end
           || ':' || pg_catalog.lower(a.privilege_type)
    from pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) a
    where a.grantee <> c.relowner order by 1)"""


def _privileges(entries: list[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for entry in entries:
        role, _, privilege = entry.rpartition(":")
        out.setdefault(role, set()).add(privilege)
    return {role: frozenset(privs) for role, privs in out.items()}


def privileges_text(privileges: dict[str, frozenset[str]]) -> str:
    return (
        "; ".join(f"{r}: {', '.join(sorted(p))}" for r, p in sorted(privileges.items()))
        or "(nobody)"
    )


class _Scope:
    """The schemas compared: those named, or every schema that is not managed by the platform."""

    def __init__(self, schemas: Sequence[str]) -> None:
        self.schemas = list(schemas)

    def where(self, column: str) -> str:
        if self.schemas:
            return f"{column} = any(%(schemas)s)"
        return managed_filter(column)

    @property
    def params(self) -> dict[str, Any]:
        return {"schemas": self.schemas}


def _owner(owner: str, deployer: str) -> str:
    return DEPLOYER if owner == deployer else owner


def _functions(
    conn: psycopg.Connection, scope: _Scope, deployer: str, version: int
) -> list[DbObject]:
    sql_body = "pg_catalog.pg_get_function_sqlbody(p.oid)" if version >= 140000 else "null"
    body_present = "p.prosqlbody is not null" if version >= 140000 else "false"
    rows = conn.execute(
        f"""
        select n.nspname, p.prokind, p.oid::pg_catalog.regprocedure::text,
               pg_catalog.pg_get_function_arguments(p.oid),
               pg_catalog.pg_get_function_result(p.oid),
               l.lanname, p.provolatile, p.prosecdef, p.proisstrict, p.proparallel, p.proleakproof,
               p.proconfig, pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(p.proowner)),
               pg_catalog.obj_description(p.oid, 'pg_proc'),
               pg_catalog.pg_get_functiondef(p.oid), p.prosrc, p.probin,
               case when {body_present} then {sql_body} end,
               array(select case when a.grantee = 0 then 'public'
                                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end
                     from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                     where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner)
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        join pg_catalog.pg_language l on l.oid = p.prolang
        where {scope.where("n.nspname")} and p.prokind in ('f', 'p')
          and {not_extension_member("pg_proc", "p.oid")}
        """,
        scope.params,
    ).fetchall()
    out: list[DbObject] = []
    for (
        schema,
        prokind,
        signature,
        arguments,
        result,
        language,
        volatility,
        secdef,
        strict,
        parallel,
        leakproof,
        config,
        owner,
        comment,
        definition,
        source,
        binary,
        atomic,
        grantees,
    ) in rows:
        kind = "procedure" if prokind == "p" else "function"
        facts = {
            "body": canonical_body(language, source + (f"\n{binary}" if binary else ""), atomic),
            "language": language,
            "arguments": arguments,
            "returns": result or "",
            "volatility": _VOLATILITY.get(volatility, volatility),
            "security": "definer" if secdef else "invoker",
            "strict": "strict" if strict else "called on null input",
            "parallel": _PARALLEL.get(parallel, parallel),
            "leakproof": "leakproof" if leakproof else "not leakproof",
        }
        for item in config or ():
            key, _, value = item.partition("=")
            if key == "search_path":  # an empty path is a setting too, unlike no setting
                value = normalise_search_path([value]) or "''"
            facts[f"set {key}"] = value
        facts["owner"] = _owner(owner, deployer)
        facts["execute"] = ", ".join(sorted(grantees)) or "(nobody)"
        facts["comment"] = comment or ""
        out.append(
            DbObject(
                kind,
                signature,
                schema,
                facts,
                text=definition.rstrip() + ";\n",
                ident=signature,
                owner=owner,
                grantees=frozenset(grantees),
                comment=comment,
            )
        )
    return out


def _views(conn: psycopg.Connection, scope: _Scope, deployer: str) -> list[DbObject]:
    rows = conn.execute(
        f"""
        select n.nspname, c.oid::pg_catalog.regclass::text, c.relkind,
               coalesce(c.reloptions, '{{}}'), pg_catalog.pg_get_viewdef(c.oid, true),
               pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)),
               pg_catalog.obj_description(c.oid, 'pg_class'), {_RELATION_ACL}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm') and {scope.where("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
        """,
        scope.params,
    ).fetchall()
    out: list[DbObject] = []
    for schema, name, relkind, options, definition, owner, comment, acl in rows:
        privileges = _privileges(acl)
        materialized = relkind == "m"
        options_text = ", ".join(sorted(options))
        body = definition.strip().rstrip(";")
        with_clause = f"\n  with ({options_text})" if options_text else ""
        if materialized:
            text = f"create materialized view if not exists {name}{with_clause} as\n{body};\n"
        else:
            text = f"create or replace view {name}{with_clause} as\n{body};\n"
        out.append(
            DbObject(
                "view",
                name,
                schema,
                {
                    "definition": canonical_sql(body),
                    "materialized": "materialized" if materialized else "plain",
                    "options": options_text,
                    "owner": _owner(owner, deployer),
                    "privileges": privileges_text(privileges),
                    "comment": comment or "",
                },
                text=text,
                ident=name,
                owner=owner,
                privileges=privileges,
                comment=comment,
                extra={"materialized": materialized, "options": list(options), "query": body},
            )
        )
    return out


def _tables(conn: psycopg.Connection, scope: _Scope) -> list[DbObject]:
    rows = conn.execute(
        f"""
        select n.nspname, c.oid::pg_catalog.regclass::text, c.relrowsecurity, c.relforcerowsecurity,
               {_RELATION_ACL}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and {scope.where("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
        """,
        scope.params,
    ).fetchall()
    return [
        DbObject(
            "table",
            name,
            schema,
            {
                "row level security": "enabled" if rls else "disabled",
                "force row level security": "forced" if forced else "not forced",
                "privileges": privileges_text(_privileges(acl)),
            },
            ident=name,
            privileges=_privileges(acl),
            extra={"rls": bool(rls), "forced": bool(forced)},
        )
        for schema, name, rls, forced, acl in rows
    ]


def _triggers(conn: psycopg.Connection, scope: _Scope) -> list[DbObject]:
    rows = conn.execute(
        f"""
        select n.nspname, c.oid::pg_catalog.regclass::text, pg_catalog.quote_ident(t.tgname),
               pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled
        from pg_catalog.pg_trigger t
        join pg_catalog.pg_class c on c.oid = t.tgrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and {scope.where("n.nspname")}
          and {not_extension_member("pg_class", "c.oid")}
        """,
        scope.params,
    ).fetchall()
    return [
        DbObject(
            "trigger",
            f"{table}.{name}",
            schema,
            {
                "definition": canonical_sql(definition),
                "enabled": _ENABLED.get(enabled) or str(enabled),
            },
            text=definition + ";\n",
            ident=f"{name} on {table}",
            table=table,
            local_name=name,
            extra={"enabled": enabled},
        )
        for schema, table, name, definition, enabled in rows
    ]


def _policies(conn: psycopg.Connection, scope: _Scope) -> list[DbObject]:
    rows = conn.execute(
        f"""
        select n.nspname, c.oid::pg_catalog.regclass::text, pg_catalog.quote_ident(pol.polname),
               pol.polpermissive, pol.polcmd,
               array(select case when r = 0 then 'public'
                                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) end
                     from pg_catalog.unnest(pol.polroles) r order by 1),
               pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
               pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)
        from pg_catalog.pg_policy pol
        join pg_catalog.pg_class c on c.oid = pol.polrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where {scope.where("n.nspname")}
        """,
        scope.params,
    ).fetchall()
    out: list[DbObject] = []
    for schema, table, name, permissive, command, roles, using, check in rows:
        mode = "permissive" if permissive else "restrictive"
        verb = _COMMAND.get(command, "all")
        lines = [f"create policy {name} on {table}", f"  as {mode}", f"  for {verb}"]
        lines.append(f"  to {', '.join(roles)}")
        if using is not None:
            lines.append(f"  using ({using})")
        if check is not None:
            lines.append(f"  with check ({check})")
        out.append(
            DbObject(
                "policy",
                f"{table}.{name}",
                schema,
                {
                    "mode": mode,
                    "command": verb,
                    "roles": ", ".join(roles),
                    "using": canonical_expression(using),
                    "with check": canonical_expression(check),
                },
                text="\n".join(lines) + ";\n",
                ident=f"{name} on {table}",
                table=table,
                local_name=name,
            )
        )
    return out
