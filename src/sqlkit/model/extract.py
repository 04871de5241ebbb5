"""Statement → events: what each statement kind the model cares about means for it.

One table (`HANDLERS`) maps a statement kind to its extraction; `KINDS`, the
statement kinds worth a parse tree, is derived from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlkit.model.events import (
    AlterPolicy,
    AlterRoutine,
    AlterTableRls,
    AlterViewOptions,
    Arg,
    CreatePolicy,
    CreateSchema,
    CreateTable,
    CreateTrigger,
    CreateView,
    DefaultPrivileges,
    DropPolicy,
    DropRelations,
    DropRoutines,
    DropSchemas,
    Event,
    Grant,
    GrantRole,
    MoveRelation,
    Origin,
    RenamePolicy,
    RoleInherit,
    RoutineDef,
    RoutineRef,
    SetSearchPath,
)
from sqlkit.sql.body import BodyFacts, analyse_atomic_body, analyse_sql_body
from sqlkit.sql.plpgsql import analyse_plpgsql_body
from sqlkit.sql.policy import analyse_policy
from sqlkit.sql.secrets import HINT as SECRET_HINT
from sqlkit.sql.secrets import find_secrets
from sqlkit.sql.source import Source, Span
from sqlkit.sql.split import Statement
from sqlkit.sql.tree import (
    Node,
    const_value,
    def_elems,
    role_names,
    split_name,
    strings,
    type_name,
    walk,
)
from sqlkit.sql.values import search_path_from_items, search_path_from_text, search_path_schemas

_OBJECT_TYPES = {
    "OBJECT_FUNCTION": "function",
    "OBJECT_PROCEDURE": "procedure",
    "OBJECT_ROUTINE": "routine",
    "OBJECT_TABLE": "table",
    "OBJECT_SEQUENCE": "sequence",
    "OBJECT_SCHEMA": "schema",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "view",
    "OBJECT_FOREIGN_TABLE": "table",
}
_MODES = {
    "FUNC_PARAM_IN": "in",
    "FUNC_PARAM_DEFAULT": "in",
    "FUNC_PARAM_OUT": "out",
    "FUNC_PARAM_INOUT": "inout",
    "FUNC_PARAM_VARIADIC": "variadic",
    "FUNC_PARAM_TABLE": "table",
}
_WORDS = re.compile(r"[A-Za-z0-9_']+")


def normalise_search_path(values: list[str]) -> str:
    """A search_path written as list text (`pg_catalog, pg_temp`, a `proconfig` entry, a
    setting) in its canonical form (`sqlkit.sql.values`)."""
    return search_path_from_text(", ".join(values))


def _setting_value(node: Node) -> str | None:
    """Value of a VariableSetStmt as text; None for RESET/DEFAULT."""
    kind = node.get("kind")
    if kind == "VAR_SET_CURRENT":
        return "FROM CURRENT"
    if kind != "VAR_SET_VALUE":
        return None
    values: list[str] = []
    for arg in node.get("args") or ():
        inner = arg.get("A_Const", {})
        if "sval" in inner:
            values.append(inner["sval"].get("sval", ""))
        elif "ival" in inner:
            values.append(str(inner["ival"].get("ival", 0)))
        elif "fval" in inner:
            values.append(inner["fval"].get("fval", ""))
        elif "boolval" in inner:
            values.append("on" if inner["boolval"].get("boolval") else "off")
        else:
            values.append("")
    if node.get("name") == "search_path":
        # each value is ONE identifier: 'pg_catalog, pg_temp' quoted names one schema
        return search_path_from_items(values)
    return ", ".join(values)


def _routine_ref(obj: Node, kind: str) -> RoutineRef:
    schema, name = split_name(strings(obj.get("objname")))
    if obj.get("args_unspecified"):
        return RoutineRef(schema, name, None, kind)
    params = obj.get("objfuncargs")
    if params:
        types = []
        for param in params:
            fp = param.get("FunctionParameter", {})
            if _MODES.get(fp.get("mode", "FUNC_PARAM_DEFAULT"), "in") in (
                "in",
                "inout",
                "variadic",
            ):
                types.append(type_name(fp.get("argType")))
        return RoutineRef(schema, name, tuple(types), kind)
    types = [type_name(t.get("TypeName")) for t in obj.get("objargs") or ()]
    return RoutineRef(schema, name, tuple(types), kind)


def _comment_words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _line_comment(line: str) -> str:
    """Text of a trailing `--` comment on a line (outside quotes), or ''."""
    in_single = in_double = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "'" and not in_double:
            in_single = not in_single
        elif ch == '"' and not in_single:
            in_double = not in_double
        elif ch == "-" and not in_single and not in_double and line.startswith("--", i):
            return line[i + 2 :]
        elif ch == "/" and not in_single and not in_double and line.startswith("/*", i):
            end = line.find("*/", i)
            return line[i + 2 : end if end != -1 else len(line)]
        i += 1
    return ""


def comment_block_above(source: Source, line: int) -> list[str]:
    """The contiguous comment lines directly above `line` (nearest last)."""
    out: list[str] = []
    current = line - 1
    in_block = False
    while current >= 1:
        text = source.line_text(current).strip()
        if in_block:
            out.append(text.lstrip("/*").rstrip("*/"))
            if text.startswith("/*"):
                in_block = False
            current -= 1
            continue
        if text.startswith("--"):
            out.append(text[2:])
        elif text.endswith("*/"):
            out.append(text.rstrip("*/").lstrip("/*"))
            if not text.startswith("/*"):
                in_block = True
        else:
            break
        current -= 1
    out.reverse()
    return out


def has_definer_reason(source: Source, stmt_start: int, security_offset: int | None) -> bool:
    """A comment of 4+ words on the SECURITY DEFINER line, or a comment block directly
    above the statement that mentions "definer" and has 4+ words."""
    if security_offset is not None:
        line, _ = source.position(security_offset)
        comment = _line_comment(source.line_text(line))
        if "sqlkit:" not in comment and len(_comment_words(comment)) >= 4:
            return True
    first_line, _ = source.position(stmt_start)
    block = [text for text in comment_block_above(source, first_line) if "sqlkit:" not in text]
    joined = " ".join(block)
    return "definer" in joined.lower() and len(_comment_words(joined)) >= 4


def _secrets(
    source: Source, stmt: Statement, place: str, schema: str | None, name: str
) -> list[Event]:
    """Secret events for the credentials written in a statement's text."""
    from sqlkit.model.events import Secret

    if not SECRET_HINT.search(source.parse_text, stmt.start, stmt.end):
        return []
    text = source.parse_text[stmt.start : stmt.end]
    return [
        Secret(
            Origin(source.path, stmt.index, source.span(stmt.start + start, stmt.start + end)),
            credential,
            place,
            schema,
            name,
        )
        for start, end, credential in find_secrets(text)
    ]


# ------------------------------------------------------------------------ extraction
def extract_events(source: Source, statements: list[Statement]) -> list[Event]:
    """Turn the statements of one file into model events."""
    events: list[Event] = []
    for stmt in statements:
        if stmt.kind is None or stmt.node is None:
            continue
        handler = HANDLERS.get(stmt.kind)
        if handler is None:
            continue
        origin = Origin(source.path, stmt.index, source.span(stmt.start))
        result = handler(source, stmt, stmt.node, origin)
        if result is None:
            continue
        if isinstance(result, list):
            events.extend(result)
        else:
            events.append(result)
    return events


def _create_function(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> RoutineDef | list[Event]:
    routine = _routine_def(source, stmt, node, origin)
    secrets = _secrets(
        source,
        stmt,
        "procedure" if routine.is_procedure else "function",
        routine.schema,
        routine.name,
    )
    return [routine, *secrets] if secrets else routine


def _routine_def(source: Source, stmt: Statement, node: Node, origin: Origin) -> RoutineDef:
    assert stmt.parsed is not None
    parsed = stmt.parsed
    schema, name = split_name(strings(node.get("funcname")))
    args: list[Arg] = []
    for param in node.get("parameters") or ():
        fp = param.get("FunctionParameter", {})
        args.append(
            Arg(
                name=fp.get("name", ""),
                type=type_name(fp.get("argType")),
                mode=_MODES.get(fp.get("mode", "FUNC_PARAM_DEFAULT"), "in"),
                has_default="defexpr" in fp,
            )
        )
    returns = type_name(node.get("returnType")) if node.get("returnType") else ""
    language = "sql"
    security = False
    security_offset: int | None = None
    volatility: str | None = None
    strict = False
    config: dict[str, str] = {}
    config_spans: dict[str, Span] = {}
    body_text = ""
    as_offset: int | None = None
    language_given = False
    for opt in def_elems(node.get("options")):
        name_ = opt.get("defname")
        arg = opt.get("arg", {})
        if name_ == "language":
            language = arg.get("String", {}).get("sval", "sql").lower()
            language_given = True
        elif name_ == "security":
            security = bool(arg.get("Boolean", {}).get("boolval", False))
            security_offset = parsed.offset(opt.get("location", 0))
        elif name_ == "volatility":
            volatility = arg.get("String", {}).get("sval")
        elif name_ == "strict":
            strict = bool(arg.get("Boolean", {}).get("boolval", False))
        elif name_ == "set":
            vs = arg.get("VariableSetStmt", {})
            setting = vs.get("name")
            value = _setting_value(vs)
            if setting and value is not None:
                config[setting] = value
                config_spans[setting] = source.span(parsed.offset(opt.get("location", 0)))
        elif name_ == "as":
            items = strings(arg.get("List", {}).get("items"))
            body_text = items[0] if items else ""
            as_offset = parsed.offset(opt.get("location", 0))
    if not language_given and "sql_body" not in node:
        language = "sql"
    param_types = [a.type for a in args if a.mode in ("in", "inout", "variadic")]
    body: BodyFacts | None = None
    if "sql_body" in node:
        language = "sql"
        body = analyse_atomic_body(source, node["sql_body"], parsed.offset, param_types, returns)
    elif body_text and language in ("sql", "plpgsql"):
        body_offset = _find_body(
            source, body_text, as_offset if as_offset is not None else stmt.start, stmt
        )
        if language == "sql":
            body = analyse_sql_body(source, body_text, body_offset, param_types, returns)
        else:
            statement_text = source.parse_text[stmt.start : stmt.end]
            body = analyse_plpgsql_body(
                source, statement_text, body_text, body_offset, param_types, returns
            )
    definer_reason = security and has_definer_reason(source, stmt.start, security_offset)
    return RoutineDef(
        origin=origin,
        schema=schema,
        name=name,
        args=args,
        returns=returns,
        is_procedure=bool(node.get("is_procedure")),
        replace=bool(node.get("replace")),
        language=language,
        security_definer=security,
        security_span=source.span(security_offset) if security_offset is not None else None,
        definer_reason=definer_reason,
        volatility=volatility,
        strict=strict,
        config=config,
        config_spans=config_spans,
        body=body,
        atomic="sql_body" in node,
    )


def _find_body(source: Source, body: str, search_from: int, stmt: Statement) -> int:
    """File offset where a function body's text starts (after its opening quote)."""
    text = source.parse_text
    found = text.find(body, stmt.start, stmt.end) if body else -1
    if found != -1:
        return found
    # quoted with '' escapes: point just after the first quote after AS
    quote = text.find("'", search_from, stmt.end)
    return quote + 1 if quote != -1 else search_from


def _alter_function(source: Source, stmt: Statement, node: Node, origin: Origin) -> AlterRoutine:
    assert stmt.parsed is not None
    kind = _OBJECT_TYPES.get(node.get("objtype", ""), "function")
    event = AlterRoutine(origin=origin, ref=_routine_ref(node.get("func", {}), kind))
    security_offset = None
    for opt in def_elems(node.get("actions")):
        name_ = opt.get("defname")
        arg = opt.get("arg", {})
        if name_ == "set":
            vs = arg.get("VariableSetStmt", {})
            if vs.get("kind") == "VAR_RESET_ALL":
                event.reset.append("ALL")
                continue
            value = _setting_value(vs)
            setting = vs.get("name", "")
            if value is None:
                event.reset.append(setting)
            else:
                event.set_config[setting] = value
                event.config_spans[setting] = source.span(
                    stmt.parsed.offset(opt.get("location", 0))
                )
        elif name_ == "security":
            event.security_definer = bool(arg.get("Boolean", {}).get("boolval", False))
            security_offset = stmt.parsed.offset(opt.get("location", 0))
        elif name_ == "volatility":
            event.volatility = arg.get("String", {}).get("sval")
        elif name_ == "strict":
            event.strict = bool(arg.get("Boolean", {}).get("boolval", False))
    if event.security_definer:
        event.definer_reason = has_definer_reason(source, stmt.start, security_offset)
        if security_offset is not None:
            event = _with_span(event, source.span(security_offset))
    return event


def _with_span(event: AlterRoutine, span: Span) -> AlterRoutine:
    event.origin = Origin(event.origin.path, event.origin.statement, span)
    return event


def _privileges(node: Node) -> list[str]:
    privs = node.get("privileges")
    if not privs:
        return ["all"]
    return [p.get("AccessPriv", {}).get("priv_name", "all").lower() for p in privs]


def _grant(source: Source, stmt: Statement, node: Node, origin: Origin) -> Grant | None:
    object_type = _OBJECT_TYPES.get(node.get("objtype", ""), "other")
    event = Grant(
        origin=origin,
        is_grant=bool(node.get("is_grant")),
        object_type=object_type,
        privileges=_privileges(node),
        grantees=role_names(node.get("grantees")),
    )
    target = node.get("targtype")
    objects = node.get("objects") or []
    if target == "ACL_TARGET_ALL_IN_SCHEMA":
        event.all_in_schemas = strings(objects)
    elif object_type in ("function", "procedure", "routine"):
        event.routines = [_routine_ref(o.get("ObjectWithArgs", {}), object_type) for o in objects]
    elif object_type in ("table", "view", "sequence"):
        for obj in objects:
            rv = obj.get("RangeVar", {})
            event.tables.append((rv.get("schemaname"), rv.get("relname", "")))
    elif object_type == "schema":
        event.schemas = strings(objects)
    return event


def _default_privileges(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> DefaultPrivileges:
    schemas: list[str] = []
    for_roles: list[str] = []
    for opt in def_elems(node.get("options")):
        if opt.get("defname") == "schemas":
            schemas = strings(opt.get("arg", {}).get("List", {}).get("items"))
        elif opt.get("defname") == "roles":
            for_roles = role_names(opt.get("arg", {}).get("List", {}).get("items"))
    action = node.get("action", {})
    objtype = {
        "OBJECT_FUNCTION": "functions",
        "OBJECT_PROCEDURE": "functions",
        "OBJECT_ROUTINE": "functions",
        "OBJECT_TABLE": "tables",
        "OBJECT_SEQUENCE": "sequences",
        "OBJECT_TYPE": "types",
        "OBJECT_SCHEMA": "schemas",
    }.get(action.get("objtype", ""), "other")
    return DefaultPrivileges(
        origin=origin,
        is_grant=bool(action.get("is_grant")),
        schemas=schemas,
        object_type=objtype,
        privileges=_privileges(action),
        grantees=role_names(action.get("grantees")),
        for_roles=for_roles,
    )


def _grant_role(source: Source, stmt: Statement, node: Node, origin: Origin) -> GrantRole:
    roles = [p.get("AccessPriv", {}).get("priv_name", "") for p in node.get("granted_roles") or ()]
    return GrantRole(
        origin, bool(node.get("is_grant")), roles, role_names(node.get("grantee_roles"))
    )


def _create_table(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateTable | list[Event] | None:
    rel = node.get("relation", {})
    if rel.get("relpersistence") == "t":
        return None
    kind = "partitioned" if node.get("partspec") else "table"
    event = CreateTable(origin, rel.get("schemaname"), rel.get("relname", ""), kind)
    secrets = _secrets(source, stmt, "table", event.schema, event.name)
    return [event, *secrets] if secrets else event


def _create_table_as(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateTable | CreateView | None:
    """CREATE TABLE ... AS and CREATE MATERIALIZED VIEW: the first makes a table (no RLS)."""
    if node.get("objtype") == "OBJECT_MATVIEW":
        return _create_matview(source, stmt, node, origin)
    rel = node.get("into", {}).get("rel", {})
    if node.get("objtype") != "OBJECT_TABLE" or rel.get("relpersistence") == "t":
        return None
    return CreateTable(origin, rel.get("schemaname"), rel.get("relname", ""))


def _select(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    """SELECT ... INTO creates a table; `select set_config('search_path', ..)` is a SET."""
    events: list[Event] = []
    into = node.get("intoClause")
    if into is not None:
        rel = into.get("rel", {})
        if rel.get("relpersistence") != "t":
            events.append(CreateTable(origin, rel.get("schemaname"), rel.get("relname", "")))
    for target in node.get("targetList") or ():
        call = target.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if call is None or strings(call.get("funcname"))[-1:] != ["set_config"]:
            continue
        args = call.get("args") or []
        name = const_value(args[0]) if args else None
        value = const_value(args[1]) if len(args) > 1 else None
        if name == "search_path" and isinstance(value, str):
            events.append(SetSearchPath(origin, search_path_schemas(search_path_from_text(value))))
        events.extend(_secrets(source, stmt, "setting", None, str(name or "")))
    return events


def _alter_table(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    rel = node.get("relation", {})
    schema, name = rel.get("schemaname"), rel.get("relname", "")
    events: list[Event] = []
    for cmd in node.get("cmds") or ():
        sub = cmd.get("AlterTableCmd", {}).get("subtype")
        if sub == "AT_EnableRowSecurity":
            events.append(AlterTableRls(origin, schema, name, True, None))
        elif sub == "AT_DisableRowSecurity":
            events.append(AlterTableRls(origin, schema, name, False, None))
        elif sub == "AT_ForceRowSecurity":
            events.append(AlterTableRls(origin, schema, name, None, True))
        elif sub == "AT_NoForceRowSecurity":
            events.append(AlterTableRls(origin, schema, name, None, False))
        elif sub in ("AT_SetRelOptions", "AT_ResetRelOptions"):
            # ALTER TABLE works on views too: replay applies it where a view has the name
            options: dict[str, str] = {}
            reset: list[str] = []
            for opt in def_elems(cmd["AlterTableCmd"].get("def", {}).get("List", {}).get("items")):
                if sub == "AT_SetRelOptions":
                    options[opt.get("defname", "")] = _defelem_text(opt)
                else:
                    reset.append(opt.get("defname", ""))
            events.append(AlterViewOptions(origin, schema, name, options, reset))
    events.extend(_secrets(source, stmt, "table", schema, name))
    return events


def _defelem_text(opt: Node) -> str:
    arg = opt.get("arg")
    if not arg:
        return "true"
    if "String" in arg:
        return str(arg["String"].get("sval", ""))
    if "Boolean" in arg:
        return "true" if arg["Boolean"].get("boolval") else "false"
    if "Integer" in arg:
        return str(arg["Integer"].get("ival", 0))
    if "Float" in arg:
        return str(arg["Float"].get("fval", ""))
    if "TypeName" in arg:  # a bare word such as `yes` parses as a type name
        names = strings(arg["TypeName"].get("names"))
        return names[-1] if names else ""
    return ""


def _drop(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> Event | list[Event] | None:
    remove = node.get("removeType", "")
    objects = node.get("objects") or []
    if remove in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        kind = _OBJECT_TYPES[remove]
        return DropRoutines(
            origin, [_routine_ref(o.get("ObjectWithArgs", {}), kind) for o in objects]
        )
    if remove in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
        names = []
        for obj in objects:
            parts = strings(obj.get("List", {}).get("items"))
            names.append(split_name(parts))
        return DropRelations(origin, "view" if "VIEW" in remove else "table", names)
    if remove == "OBJECT_SCHEMA":
        return DropSchemas(origin, strings(objects))
    if remove == "OBJECT_POLICY":
        events: list[Event] = []
        for obj in objects:
            parts = strings(obj.get("List", {}).get("items"))
            if len(parts) >= 2:
                schema, table = split_name(parts[:-1])
                events.append(DropPolicy(origin, schema, table, parts[-1]))
        return events
    return None


def _create_policy(source: Source, stmt: Statement, node: Node, origin: Origin) -> CreatePolicy:
    rel = node.get("table", {})
    return CreatePolicy(
        origin=origin,
        schema=rel.get("schemaname"),
        table=rel.get("relname", ""),
        name=node.get("policy_name", ""),
        permissive=bool(node.get("permissive")),  # pglast omits false: AS RESTRICTIVE has no key
        command=node.get("cmd_name", "all"),
        roles=role_names(node.get("roles")) or ["public"],
        using=node.get("qual"),
        with_check=node.get("with_check"),
        text=source.text[stmt.start : stmt.end],
        explicit_roles=_has_to_clause(node.get("roles")),
        facts=analyse_policy(node.get("qual"), node.get("with_check"), rel.get("relname", "")),
    )


def _has_to_clause(roles: list[Any] | None) -> bool:
    """Did CREATE POLICY name its roles? Without TO the grammar fills in a PUBLIC that
    appears nowhere in the text (location -1)."""
    if not roles or len(roles) != 1:
        return bool(roles)
    spec = roles[0].get("RoleSpec", {}) if isinstance(roles[0], dict) else {}
    return not (spec.get("roletype") == "ROLESPEC_PUBLIC" and spec.get("location", -1) < 0)


def _alter_policy(source: Source, stmt: Statement, node: Node, origin: Origin) -> AlterPolicy:
    rel = node.get("table", {})
    return AlterPolicy(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        node.get("policy_name", ""),
        role_names(node.get("roles")) or None,
        node.get("qual"),
        node.get("with_check"),
    )


def _view_relations(query: Any) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    ctes: set[str] = set()
    for kind, sub in walk(query):
        if kind == "RangeVar" and "relname" in sub:
            out.append((sub.get("schemaname"), sub["relname"]))
        elif kind == "CommonTableExpr":
            ctes.add(sub.get("ctename", ""))
    return [(s, n) for s, n in out if s is not None or n not in ctes]


def _create_view(source: Source, stmt: Statement, node: Node, origin: Origin) -> CreateView:
    rel = node.get("view", {})
    options = {opt.get("defname", ""): _defelem_text(opt) for opt in def_elems(node.get("options"))}
    return CreateView(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        bool(node.get("replace")),
        False,
        options,
        _view_relations(node.get("query")),
    )


def _create_matview(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateView | None:
    if node.get("objtype") != "OBJECT_MATVIEW":
        return None
    rel = node.get("into", {}).get("rel", {})
    return CreateView(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        False,
        True,
        {},
        _view_relations(node.get("query")),
    )


def _set(source: Source, stmt: Statement, node: Node, origin: Origin) -> Event | list[Event] | None:
    """SET [LOCAL] search_path: LOCAL lasts to the end of the transaction, which for a
    migration applied one file per transaction is the rest of the file, like SET."""
    if node.get("name") != "search_path":
        return _secrets(source, stmt, "setting", None, str(node.get("name") or "")) or None
    value = _setting_value(node)
    if value is None or value == "FROM CURRENT":
        return SetSearchPath(origin, ["$user", "public"])
    return SetSearchPath(origin, search_path_schemas(value))


_RELATION_KINDS = {
    "OBJECT_TABLE": "table",
    "OBJECT_FOREIGN_TABLE": "table",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "view",
}


def _rename(source: Source, stmt: Statement, node: Node, origin: Origin) -> Event | None:
    kind = _OBJECT_TYPES.get(node.get("renameType", ""))
    if kind in ("function", "procedure", "routine"):
        obj = node.get("object", {}).get("ObjectWithArgs", {})
        return AlterRoutine(
            origin=origin, ref=_routine_ref(obj, kind), new_name=node.get("newname")
        )
    rename_type = node.get("renameType", "")
    rel = node.get("relation") or {}
    if rename_type in _RELATION_KINDS and rel:
        return MoveRelation(
            origin,
            _RELATION_KINDS[rename_type],
            rel.get("schemaname"),
            rel.get("relname", ""),
            new_name=node.get("newname"),
        )
    if rename_type == "OBJECT_POLICY" and rel:
        return RenamePolicy(
            origin,
            rel.get("schemaname"),
            rel.get("relname", ""),
            node.get("subname", ""),
            node.get("newname", ""),
        )
    return None


def _set_schema(source: Source, stmt: Statement, node: Node, origin: Origin) -> Event | None:
    kind = _OBJECT_TYPES.get(node.get("objectType", ""))
    if kind in ("function", "procedure", "routine"):
        obj = node.get("object", {}).get("ObjectWithArgs", {})
        return AlterRoutine(
            origin=origin, ref=_routine_ref(obj, kind), new_schema=node.get("newschema")
        )
    rel = node.get("relation") or {}
    object_type = node.get("objectType", "")
    if object_type in _RELATION_KINDS and rel:
        return MoveRelation(
            origin,
            _RELATION_KINDS[object_type],
            rel.get("schemaname"),
            rel.get("relname", ""),
            new_schema=node.get("newschema"),
        )
    return None


def _create_schema(source: Source, stmt: Statement, node: Node, origin: Origin) -> CreateSchema:
    name = node.get("schemaname") or node.get("authrole", {}).get("rolename", "")
    return CreateSchema(origin, name)


def _role_options(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> RoleInherit | None:
    """CREATE ROLE / ALTER ROLE: only INHERIT matters to the model (a new role inherits)."""
    role = node.get("role")
    name = role if isinstance(role, str) else role_names([role or {}])[0] if role else ""
    inherit: bool | None = True if isinstance(role, str) else None
    for opt in def_elems(node.get("options")):
        if opt.get("defname") == "inherit":
            inherit = bool(opt.get("arg", {}).get("Boolean", {}).get("boolval", False))
    if not name or inherit is None:
        return None
    return RoleInherit(origin, name, inherit)


def _role_set(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    """ALTER ROLE|DATABASE ... SET: the value is stored in the catalog for every session."""
    if "dbname" in node:
        return _secrets(source, stmt, "database", None, node.get("dbname", ""))
    names = role_names([node.get("role") or {}]) if node.get("role") else ["ALL"]
    return _secrets(source, stmt, "role", None, names[0] if names else "")


def _create_trigger(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateTrigger | None:
    rel = node.get("relation") or {}
    schema, name = split_name(strings(node.get("funcname")))
    if not rel or not name:
        return None
    transition = [
        t.get("TriggerTransition", {}).get("name", "") for t in node.get("transitionRels") or ()
    ]
    return CreateTrigger(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        schema,
        name,
        [t for t in transition if t],
    )


def _do(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    """A DO block's static statements, modelled like top-level ones (see `sqlkit.model.do`)."""
    from sqlkit.model.do import do_block_events

    return do_block_events(source, stmt, node, extract_events)


Handler = Callable[[Source, Statement, Node, Origin], Event | list[Event] | None]

HANDLERS: dict[str, Handler] = {
    "CreateFunctionStmt": _create_function,
    "AlterFunctionStmt": _alter_function,
    "DropStmt": _drop,
    "GrantStmt": _grant,
    "AlterDefaultPrivilegesStmt": _default_privileges,
    "GrantRoleStmt": _grant_role,
    "CreateStmt": _create_table,
    "CreateForeignTableStmt": lambda s, st, n, o: _create_table(s, st, n.get("base", {}), o),
    "AlterTableStmt": _alter_table,
    "CreatePolicyStmt": _create_policy,
    "AlterPolicyStmt": _alter_policy,
    "ViewStmt": _create_view,
    "CreateTableAsStmt": _create_table_as,
    "VariableSetStmt": _set,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "SelectStmt": _select,
    "CreateSchemaStmt": _create_schema,
    "CreateRoleStmt": _role_options,
    "AlterRoleStmt": _role_options,
    "AlterRoleSetStmt": _role_set,
    "AlterDatabaseSetStmt": _role_set,
    "CreateTrigStmt": _create_trigger,
    "DoStmt": _do,
}

# the statement kinds whose parse trees extraction reads; the parser loads no others
KINDS = frozenset(HANDLERS)
