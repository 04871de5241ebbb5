"""A live database as the same `Model` the linter replays from files: a view of the rows
`reader.read_catalog` reads.

Function bodies come from `pg_get_functiondef` and go through the same SQL layer
as files; security, volatility, settings and privileges come from the catalog
itself (`has_function_privilege`, ACLs), not from replaying statements. Objects
of Supabase-managed schemas, pg_catalog and extensions are left out (the reader
decides that, for diff and pull alike).
"""

from __future__ import annotations

from typing import Any

import psycopg

from sqlkit.live.reader import (
    API_ROLES,
    MANAGED_SCHEMAS,
    Acl,
    Catalog,
    managed_filter,
    not_extension_member,
    read_catalog,
    sql_literal,
)
from sqlkit.model.events import Origin, RoutineDef
from sqlkit.model.extract import KINDS, extract_events
from sqlkit.model.search_path import normalise_search_path
from sqlkit.model.state import Function, Model, Policy, RoutineKey, Table, View
from sqlkit.sql.source import Source
from sqlkit.sql.split import parse_statements
from sqlkit.sql.tree import pack

__all__ = [
    "API_ROLES",
    "MANAGED_SCHEMAS",
    "introspect",
    "managed_filter",
    "model_of",
    "not_extension_member",
    "sql_literal",
]

# what the lint model reads; the reader skips the rest (columns, indexes, dependencies)
MODEL_KINDS = frozenset({"schemas", "relations", "functions", "policies"})
_CMD = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}


def _origin(name: str) -> Origin:
    return Origin(name, 0, (1, 1, 1, 1))


def introspect(conn: psycopg.Connection, target: str) -> Model:
    """The model of what is deployed: functions, tables, policies, views, privileges."""
    return model_of(read_catalog(conn, kinds=MODEL_KINDS), target)


def model_of(catalog: Catalog, target: str) -> Model:
    """The lint model of the rows read."""
    model = Model(target=target)
    model.noinherit = set(catalog.noinherit)
    _functions(catalog, model)
    _schemas(catalog, model)
    _relations(catalog, model)
    _policies(catalog, model)
    if "authenticator" in catalog.roles:
        for role in ("anon", "authenticated", "service_role"):
            if role in catalog.roles:
                model.role_parents.setdefault("authenticator", set()).add(role)
    return model


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def _functions(catalog: Catalog, model: Model) -> None:
    for row in catalog.functions:
        source = Source(path=row.signature, text=row.definition)
        events = [
            e
            for e in extract_events(source, parse_statements(source, kinds=KINDS))
            if isinstance(e, RoutineDef)
        ]
        if not events:
            continue
        routine = events[0]
        settings: dict[str, str] = {}
        for item in row.config:
            key, _, value = item.partition("=")
            settings[key] = normalise_search_path([value]) if key == "search_path" else value
        execute = {"public"} if row.public_execute else set()
        execute |= set(row.api_execute)
        model.add_function(
            Function(
                key=RoutineKey(row.schema, row.name, routine.arg_types),
                definition=routine,
                security_definer=row.security_definer,
                security_origin=routine.origin,
                definer_reason=True,  # a live database keeps no comments beside the clause: SK103 is for files
                volatility=_VOLATILITY.get(row.volatility, "volatile"),
                volatility_written=True,
                strict=routine.strict,
                config=settings,
                config_origins={k: routine.origin for k in settings},
                execute=execute,
                granted_explicitly=set(execute),
            )
        )


def _relations(catalog: Catalog, model: Model) -> None:
    for row in catalog.relations:
        origin = _origin(f"{row.schema}.{row.relname}")
        if row.is_table:
            model.tables[(row.schema, row.relname)] = Table(
                row.schema,
                row.relname,
                origin,
                "partitioned" if row.relkind == "p" else "table",
                row.rls,
                row.forced,
                origin if row.rls else None,
                privileges=_privileges(row.acl),
            )
        else:
            options = dict(o.split("=", 1) for o in row.options if "=" in o)
            model.views[(row.schema, row.relname)] = View(
                row.schema,
                row.relname,
                origin,
                row.relkind == "m",
                options,
                _relations_read(row.view_definition or ""),
            )


def _privileges(acl: Acl) -> dict[str, set[str]]:
    """Role → privileges of an ACL's grants (PUBLIC as `public`, owner left out)."""
    out: dict[str, set[str]] = {}
    for grantee, privilege in acl:
        out.setdefault(_unquote(grantee), set()).add(privilege)
    return out


def _schemas(catalog: Catalog, model: Model) -> None:
    """Which roles may USE each schema (who reaches the functions and tables in it)."""
    for row in catalog.schemas:
        name = _unquote(row.name)
        model.existing_schemas.add(name)
        model.schema_privileges[name] = {
            role: privileges & {"usage"}
            for role, privileges in _privileges(row.acl).items()
            if "usage" in privileges
        }


def _expression(text: str | None) -> Any:
    if text is None:
        return None
    from sqlkit.sql.body import parse_expression

    return parse_expression(text)


def _policies(catalog: Catalog, model: Model) -> None:
    for row in catalog.policies:
        roles = [_unquote(r) for r in row.roles]
        model.add_policy(
            Policy(
                row.schema,
                row.table_name,
                row.raw_name,
                _origin(f"{row.schema}.{row.table_name}.{row.raw_name}"),
                row.permissive,
                _CMD.get(row.command, "all"),
                roles,
                pack(_expression(row.using)),
                pack(_expression(row.check)),
                "",
                explicit_roles="public" not in roles,
            )
        )


def _relations_read(query: str) -> list[tuple[str | None, str]]:
    """The tables and views a view's query names."""
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
