"""Statement → events: what each statement kind the model cares about means for it.

One table (`HANDLERS`) maps a statement kind to its extraction; `KINDS`, the
statement kinds worth a parse tree, is derived from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlkit.model.events import (
    AddColumn,
    AddConstraint,
    AlterColumn,
    AlterExtension,
    AlterPolicy,
    AlterRoutine,
    AlterTableRls,
    AlterViewOptions,
    Arg,
    AttachPartition,
    CommentRoutine,
    CreateCallable,
    CreateCoercion,
    CreateExtension,
    CreateIndex,
    CreatePolicy,
    CreateQueue,
    CreateSchema,
    CreateSequence,
    CreateTable,
    CreateTrigger,
    CreateView,
    DefaultPrivileges,
    DefineTable,
    DropColumn,
    DropConstraint,
    DropExtensions,
    DropIndexes,
    DropPolicy,
    DropRelations,
    DropRoutines,
    DropSchemas,
    Event,
    Grant,
    GrantRole,
    MoveRelation,
    Origin,
    RenameColumn,
    RenameConstraint,
    RenamePolicy,
    RenameRelation,
    RoleInherit,
    RoutineDef,
    RoutineRef,
    SetSearchPath,
    SetSetting,
    TempRelation,
    ValidateConstraint,
)
from sqlkit.model.locks import KINDS as LOCK_KINDS
from sqlkit.model.locks import SESSION_SETTINGS, lock_events, session_setting
from sqlkit.model.structure import (
    column_spec,
    constraint_spec,
    index_key,
    index_options,
    table_columns,
    written_type,
)
from sqlkit.sql.body import BodyFacts, analyse_atomic_body, analyse_sql_body
from sqlkit.sql.plpgsql import analyse_plpgsql_body
from sqlkit.sql.policy import ExprFacts, analyse_policy
from sqlkit.sql.refs import Scope, build_expression, build_scope
from sqlkit.sql.secrets import HINT as SECRET_HINT
from sqlkit.sql.secrets import find_secrets
from sqlkit.sql.source import Range, Source, Span, call_end
from sqlkit.sql.split import Statement
from sqlkit.sql.tree import (
    Node,
    const_value,
    def_elems,
    pack,
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
    return _is_definer_reason(" ".join(block))


def _is_definer_reason(text: str) -> bool:
    return "definer" in text.lower() and len(_comment_words(text)) >= 4


def _comment(source: Source, stmt: Statement, node: Node, origin: Origin) -> CommentRoutine | None:
    """COMMENT ON a routine whose text says why it is SECURITY DEFINER (SK103 reads it)."""
    kind = _OBJECT_TYPES.get(node.get("objtype", ""))
    if kind not in ("function", "procedure", "routine"):
        return None
    text = node.get("comment") or ""
    ref = _routine_ref(node.get("object", {}).get("ObjectWithArgs", {}), kind)
    return CommentRoutine(origin, ref, _is_definer_reason(text))


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
            if stmt.error is not None:
                events += _unseen_creations(source, stmt, False)
            continue
        if stmt.kind in _CREATING_BODIES:
            events += _unseen_creations(source, stmt, True)
        origin = None
        if stmt.kind in LOCK_KINDS:  # first: a lock is taken before the statement acts
            origin = _origin(source, stmt)
            events += lock_events(stmt.kind, stmt.node, origin)
        handler = HANDLERS.get(stmt.kind)
        if handler is None:
            continue
        wanted = WANTED.get(stmt.kind)
        if wanted is not None and not wanted(stmt.node):
            continue  # a cheap look says the handler would find nothing
        origin = origin or _origin(source, stmt)
        result = handler(source, stmt, stmt.node, origin)
        if result is None:
            continue
        if isinstance(result, list):
            events.extend(result)
        else:
            events.append(result)
    return events


# a routine's name where the model cannot see it created: a statement the parser rejects
# (psql variables, newer syntax), or a body or DO block that creates it (a static CREATE in
# a function body, a string it executes); a call of that name is then never judged (SK122)
_CREATES = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?(?:function|procedure|aggregate)\s+"
    r'(?:[\w$]+\s*\.\s*|"[^"]+"\s*\.\s*)?("[^"]+"|[\w$]+)\s*\(',
    re.IGNORECASE,
)
_CREATING_BODIES = frozenset({"CreateFunctionStmt", "DoStmt"})


_CREATED_KINDS = ("unction", "UNCTION", "rocedure", "ROCEDURE", "ggregate", "GGREGATE")


def _unseen_creations(source: Source, stmt: Statement, body: bool) -> list[Event]:
    """`body`: a function's or DO block's text, after its own name; else the whole text."""
    text = source.parse_text[stmt.start : stmt.end]
    skip = 0
    if body:  # most bodies create nothing: a cheap look first
        skip = text.find("(") + 1 if text[:2].lower() == "cr" else 0
        if not any(text.find(kind, skip) != -1 for kind in _CREATED_KINDS):
            return []
    out: list[Event] = []
    for match in _CREATES.finditer(text, skip):
        name = match.group(1)
        name = name[1:-1] if name.startswith('"') else name.lower()
        out.append(CreateCallable(_origin(source, stmt), name))
    return out


_LINE_REST = re.compile(r"[ \t]*(?:--[^\n]*)?(?=\r?\n|\Z)")


def _origin(source: Source, stmt: Statement) -> Origin:
    return Origin(source.path, stmt.index, source.span(stmt.start), _after(source, stmt))


def _after(source: Source, stmt: Statement) -> Range | None:
    """Where a statement can be added after this one: the end of the line of its semicolon,
    when nothing but a comment follows it there."""
    text = source.text
    semicolon = stmt.end
    while semicolon < len(text) and text[semicolon] in " \t\r\n":
        semicolon += 1
    if not text.startswith(";", semicolon):
        return None
    rest = _LINE_REST.match(text, semicolon + 1)
    if rest is None:
        return None
    return source.range(rest.end())


_SET_VALUE = re.compile(
    r"""set\s+(?:search_path|"search_path")\s*(?:(?:=|\bto\b)\s*"""
    r"""(?P<value>(?:'(?:[^']|'')*'|"(?:[^"]|"")*"|[^\s,;'"]+)"""
    r"""(?:\s*,\s*(?:'(?:[^']|'')*'|"(?:[^"]|"")*"|[^\s,;'"]+))*)"""
    r"""|(?P<current>\bfrom\s+current\b))""",
    re.IGNORECASE,
)


def _search_path_range(source: Source, offset: int, first_value: int | None) -> Range | None:
    """The value of the `SET search_path ...` clause written at `offset` (or `FROM
    CURRENT`): what a fix replaces; None when the text does not read as expected."""
    match = _SET_VALUE.match(source.text, offset)
    if match is None:
        return None
    group = "value" if match.group("value") is not None else "current"
    if group == "value" and first_value is not None and match.start("value") != first_value:
        return None
    return source.range(match.start(group), match.end(group))


_WORD = re.compile(r"[A-Za-z]+")


def _clause_anchor(source: Source, offset: int) -> tuple[Range, str, bool]:
    """Insertion point for a new clause before the keyword at `offset`, the separator after
    it, and whether the keyword is written in upper case."""
    text = source.text
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    word = _WORD.match(text, offset)  # in place: a slice would copy the rest of the file
    upper = word is not None and word.group(0).isupper()
    sep = "\n" + before if not before.strip() else " "
    return source.range(offset), sep, upper


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
    config_ranges: dict[str, Range] = {}
    volatility_range: Range | None = None
    body_text = ""
    as_offset: int | None = None
    first_option: int | None = None
    language_given = False
    for opt in def_elems(node.get("options")):
        name_ = opt.get("defname")
        arg = opt.get("arg", {})
        if first_option is None and opt.get("location", -1) >= 0:
            first_option = parsed.offset(opt["location"])
        if name_ == "language":
            language = arg.get("String", {}).get("sval", "sql").lower()
            language_given = True
        elif name_ == "security":
            security = bool(arg.get("Boolean", {}).get("boolval", False))
            security_offset = parsed.offset(opt.get("location", 0))
        elif name_ == "volatility":
            volatility = arg.get("String", {}).get("sval")
            where = parsed.offset(opt.get("location", 0))
            end = where + len(volatility or "")
            if volatility and source.text[where:end].lower() == volatility:
                volatility_range = source.range(where, end)
        elif name_ == "strict":
            strict = bool(arg.get("Boolean", {}).get("boolval", False))
        elif name_ == "set":
            vs = arg.get("VariableSetStmt", {})
            setting = vs.get("name")
            value = _setting_value(vs)
            if setting and value is not None:
                config[setting] = value
                where = parsed.offset(opt.get("location", 0))
                config_spans[setting] = source.span(where)
                if setting == "search_path":
                    found = _search_path_value(source, parsed.offset, vs, where)
                    if found is not None:
                        config_ranges[setting] = found
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
    anchor = as_offset if as_offset is not None else first_option
    clause_point, clause_sep, clause_upper = (
        _clause_anchor(source, anchor) if anchor is not None else (None, " ", False)
    )
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
        config_value_ranges=config_ranges,
        volatility_range=volatility_range,
        clause_point=clause_point,
        clause_sep=clause_sep,
        clause_upper=clause_upper,
    )


def _search_path_value(
    source: Source, locate: Callable[[int], int], vs: Node, where: int
) -> Range | None:
    args = vs.get("args") or []
    first = args[0].get("A_Const", {}).get("location") if args else None
    return _search_path_range(source, where, locate(first) if isinstance(first, int) else None)


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
                where = stmt.parsed.offset(opt.get("location", 0))
                event.set_config[setting] = value
                event.config_spans[setting] = source.span(where)
                if setting == "search_path":
                    found = _search_path_value(source, stmt.parsed.offset, vs, where)
                    if found is not None:
                        event.config_value_ranges[setting] = found
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
    source: Source, stmt: Statement, node: Node, origin: Origin, kind: str | None = None
) -> list[Event] | None:
    rel = node.get("relation", {})
    if rel.get("relpersistence") == "t":
        return [TempRelation(origin, rel.get("relname", ""))]
    kind = kind or ("partitioned" if node.get("partspec") else "table")
    schema, name = rel.get("schemaname"), rel.get("relname", "")
    if_not_exists = bool(node.get("if_not_exists"))
    return [
        CreateTable(origin, schema, name, kind, if_not_exists),
        _define_table(source, stmt, node, origin, schema, name, if_not_exists),
        *_secrets(source, stmt, "table", schema, name),
    ]


def _define_table(
    source: Source,
    stmt: Statement,
    node: Node,
    origin: Origin,
    schema: str | None,
    name: str,
    if_not_exists: bool,
) -> DefineTable:
    assert stmt.parsed is not None
    columns, constraints, like = table_columns(
        node.get("tableElts") or [], source, stmt.parsed.offset, stmt.end
    )
    parents = [
        (r["RangeVar"].get("schemaname"), r["RangeVar"].get("relname", ""))
        for r in node.get("inhRelations") or ()
        if "RangeVar" in r
    ]
    partition_of = parents[0] if parents and "partbound" in node else None
    return DefineTable(
        origin,
        schema,
        name,
        columns,
        constraints,
        like,
        partition_of,
        [] if partition_of else parents,
        if_not_exists,
    )


def _create_foreign_table(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> list[Event] | None:
    return _create_table(source, stmt, node.get("base", {}), origin, "foreign")


def _create_index(source: Source, stmt: Statement, node: Node, origin: Origin) -> CreateIndex:
    rel = node.get("relation", {})
    keys = [index_key(p["IndexElem"]) for p in node.get("indexParams") or () if "IndexElem" in p]
    include = [
        p["IndexElem"].get("name", "")
        for p in node.get("indexIncludingParams") or ()
        if "IndexElem" in p
    ]
    return CreateIndex(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        node.get("idxname"),
        keys,
        unique=bool(node.get("unique")),
        method=(node.get("accessMethod") or "btree").lower(),
        include=tuple(include),
        predicate=node.get("whereClause"),
        nulls_not_distinct=bool(node.get("nulls_not_distinct")),
        options=index_options(node.get("options")),
        if_not_exists=bool(node.get("if_not_exists")),
    )


def _create_table_as(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateTable | CreateView | TempRelation | None:
    """CREATE TABLE ... AS and CREATE MATERIALIZED VIEW: the first makes a table (no RLS)."""
    if node.get("objtype") == "OBJECT_MATVIEW":
        return _create_matview(source, stmt, node, origin)
    rel = node.get("into", {}).get("rel", {})
    if node.get("objtype") != "OBJECT_TABLE":
        return None
    if rel.get("relpersistence") == "t":
        return TempRelation(origin, rel.get("relname", ""))
    return CreateTable(origin, rel.get("schemaname"), rel.get("relname", ""))


def _select(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event] | None:
    """SELECT ... INTO creates a table; `select set_config('search_path', ..)` is a SET;
    `select pgmq.create('jobs')` makes a queue."""
    events: list[Event] = _pgmq_calls(node, origin)
    into = node.get("intoClause")
    if into is not None:
        rel = into.get("rel", {})
        if rel.get("relpersistence") != "t":
            events.append(CreateTable(origin, rel.get("schemaname"), rel.get("relname", "")))
        else:
            events.append(TempRelation(origin, rel.get("relname", "")))
    for target in node.get("targetList") or ():
        call = target.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if call is None or strings(call.get("funcname"))[-1:] != ["set_config"]:
            continue
        args = call.get("args") or []
        name = const_value(args[0]) if args else None
        value = const_value(args[1]) if len(args) > 1 else None
        if name == "search_path" and isinstance(value, str):
            events.append(SetSearchPath(origin, search_path_schemas(search_path_from_text(value))))
        elif isinstance(name, str) and name.lower() in SESSION_SETTINGS and value is not None:
            local = const_value(args[2]) if len(args) > 2 else False
            events.append(SetSetting(origin, name.lower(), str(value), local is True))
        events.extend(_secrets(source, stmt, "setting", None, str(name or "")))
    return events or None


def _alter_table(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    rel = node.get("relation", {})
    schema, name = rel.get("schemaname"), rel.get("relname", "")
    events: list[Event] = []
    structure = node.get("objtype") in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE")
    for cmd in node.get("cmds") or ():
        sub = cmd.get("AlterTableCmd", {}).get("subtype")
        if structure and sub in _STRUCTURE_CMDS:
            event = _alter_structure(source, stmt, cmd["AlterTableCmd"], origin, schema, name)
            if event is not None:
                events.append(event)
        elif sub == "AT_EnableRowSecurity":
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


_STRUCTURE_CMDS = frozenset(
    {
        "AT_AddColumn",
        "AT_DropColumn",
        "AT_AddConstraint",
        "AT_DropConstraint",
        "AT_ValidateConstraint",
        "AT_AlterColumnType",
        "AT_SetNotNull",
        "AT_DropNotNull",
        "AT_ColumnDefault",
        "AT_AttachPartition",
        "AT_DetachPartition",
    }
)


def _alter_structure(
    source: Source,
    stmt: Statement,
    cmd: Node,
    origin: Origin,
    schema: str | None,
    table: str,
) -> Event | None:
    """One ALTER TABLE subcommand that changes columns or constraints, as an event."""
    assert stmt.parsed is not None
    locate = stmt.parsed.offset
    sub = cmd.get("subtype")
    definition = cmd.get("def") or {}
    column = cmd.get("name", "")
    if sub == "AT_AddColumn" and "ColumnDef" in definition:
        spec, constraints = column_spec(definition["ColumnDef"], source, locate, stmt.end)
        return AddColumn(origin, schema, table, spec, constraints, bool(cmd.get("missing_ok")))
    if sub == "AT_DropColumn":
        return DropColumn(origin, schema, table, column, cmd.get("behavior") == "DROP_CASCADE")
    if sub == "AT_AddConstraint" and "Constraint" in definition:
        constraint = constraint_spec(definition["Constraint"], source, locate)
        return AddConstraint(origin, schema, table, constraint) if constraint else None
    if sub == "AT_DropConstraint":
        cascade = cmd.get("behavior") == "DROP_CASCADE"
        return DropConstraint(origin, schema, table, column, cascade)
    if sub == "AT_ValidateConstraint":
        return ValidateConstraint(origin, schema, table, column)
    if sub == "AT_AlterColumnType" and "ColumnDef" in definition:
        type_node = definition["ColumnDef"].get("typeName") or {}
        start = locate(type_node.get("location", 0))
        using = definition["ColumnDef"].get("raw_default")
        stop = stmt.end
        if using is not None:  # the USING expression follows the type
            stop = min(
                (locate(n["location"]) for _, n in walk(using) if "location" in n), default=stop
            )
        return AlterColumn(
            origin,
            schema,
            table,
            column,
            type=written_type(source.parse_text, start, stop) or type_name(type_node),
            type_name=type_name(type_node),
            using=using,
        )
    if sub in ("AT_AttachPartition", "AT_DetachPartition") and "PartitionCmd" in definition:
        child = definition["PartitionCmd"].get("name") or {}
        return AttachPartition(
            origin,
            schema,
            table,
            child.get("schemaname"),
            child.get("relname", ""),
            detach=sub == "AT_DetachPartition",
        )
    if sub in ("AT_SetNotNull", "AT_DropNotNull"):
        return AlterColumn(origin, schema, table, column, not_null=sub == "AT_SetNotNull")
    if sub == "AT_ColumnDefault":
        if not definition:
            return AlterColumn(origin, schema, table, column, drop_default=True)
        return AlterColumn(origin, schema, table, column, default=definition)
    return None


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
        cascade = node.get("behavior") == "DROP_CASCADE"
        return DropRelations(origin, "view" if "VIEW" in remove else "table", names, cascade)
    if remove == "OBJECT_INDEX":
        return DropIndexes(
            origin, [split_name(strings(o.get("List", {}).get("items"))) for o in objects]
        )
    if remove == "OBJECT_EXTENSION":
        return DropExtensions(origin, strings(objects))
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
    facts = analyse_policy(node.get("qual"), node.get("with_check"), rel.get("relname", ""))
    return CreatePolicy(
        origin=origin,
        schema=rel.get("schemaname"),
        table=rel.get("relname", ""),
        name=node.get("policy_name", ""),
        permissive=bool(node.get("permissive")),  # pglast omits false: AS RESTRICTIVE has no key
        command=node.get("cmd_name", "all"),
        roles=role_names(node.get("roles")) or ["public"],
        using=pack(node.get("qual")),
        with_check=pack(node.get("with_check")),
        text=source.text[stmt.start : stmt.end],
        explicit_roles=_has_to_clause(node.get("roles")),
        facts=facts,
        using_calls=_call_ranges(source, stmt, facts.using),
        check_calls=_call_ranges(source, stmt, facts.with_check),
        refs=_expression_refs(source, stmt, [node.get("qual"), node.get("with_check")]),
    )


def _call_ranges(
    source: Source, stmt: Statement, facts: ExprFacts | None
) -> tuple[Range, ...] | None:
    """Where the calls SK204 reports are written: each from its name to its closing
    parenthesis; None when one of them cannot be read back from the text."""
    if facts is None or not facts.call_locations:
        return ()
    assert stmt.parsed is not None
    ranges = []
    for location in facts.call_locations:
        start = stmt.parsed.offset(location) if location >= 0 else -1
        end = call_end(source.text, start) if start >= 0 else None
        if end is None:
            return None
        ranges.append(source.range(start, end))
    return tuple(ranges)


def _has_to_clause(roles: list[Any] | None) -> bool:
    """Did CREATE POLICY name its roles? Without TO the grammar fills in a PUBLIC that
    appears nowhere in the text (location -1)."""
    if not roles or len(roles) != 1:
        return bool(roles)
    spec = roles[0].get("RoleSpec", {}) if isinstance(roles[0], dict) else {}
    return not (spec.get("roletype") == "ROLESPEC_PUBLIC" and spec.get("location", -1) < 0)


def _alter_policy(source: Source, stmt: Statement, node: Node, origin: Origin) -> AlterPolicy:
    rel = node.get("table", {})
    facts = analyse_policy(node.get("qual"), node.get("with_check"), rel.get("relname", ""))
    return AlterPolicy(
        origin,
        rel.get("schemaname"),
        rel.get("relname", ""),
        node.get("policy_name", ""),
        role_names(node.get("roles")) or None,
        pack(node.get("qual")),
        pack(node.get("with_check")),
        _call_ranges(source, stmt, facts.using),
        _call_ranges(source, stmt, facts.with_check),
        _expression_refs(source, stmt, [node.get("qual"), node.get("with_check")]),
    )


def _expression_refs(source: Source, stmt: Statement, expressions: list[Any]) -> Scope | None:
    """What expressions bound when their statement runs refer to (sqlkit.sql.refs)."""
    present = [e for e in expressions if e is not None]
    if not present or stmt.parsed is None:
        return None
    return build_expression(present, source, stmt.parsed.offset)


def _query_refs(source: Source, stmt: Statement, query: Any) -> Scope | None:
    if not isinstance(query, dict) or stmt.parsed is None:
        return None
    return build_scope(query, source, stmt.parsed.offset)


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
        _query_refs(source, stmt, node.get("query")),
        tuple(strings(node.get("aliases"))),
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
        _query_refs(source, stmt, node.get("query")),
        tuple(strings(node.get("into", {}).get("colNames"))),
    )


def _set(source: Source, stmt: Statement, node: Node, origin: Origin) -> Event | list[Event] | None:
    """SET [LOCAL] search_path: LOCAL lasts to the end of the transaction, which for a
    migration applied one file per transaction is the rest of the file, like SET."""
    if node.get("name") != "search_path":
        setting = session_setting(node, origin)
        if setting is not None:
            return setting
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
    if rename_type in ("OBJECT_AGGREGATE", "OBJECT_TYPE", "OBJECT_DOMAIN"):
        return CreateCallable(origin, node.get("newname", ""))  # the new name a call may use
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
    return _rename_structure(node, origin)


def _rename_structure(node: Node, origin: Origin) -> Event | None:
    """RENAME of an index (ALTER INDEX renames a table too), a column or a constraint."""
    rel = node.get("relation") or {}
    schema, name = rel.get("schemaname"), rel.get("relname", "")
    old, new = node.get("subname", ""), node.get("newname", "")
    rename = node.get("renameType")
    if rename == "OBJECT_COLUMN" and node.get("relationType") in (
        "OBJECT_TABLE",
        "OBJECT_FOREIGN_TABLE",
    ):
        return RenameColumn(origin, schema, name, old, new)
    if rename == "OBJECT_TABCONSTRAINT":
        return RenameConstraint(origin, schema, name, old, new)
    if rename == "OBJECT_INDEX":
        return RenameRelation(origin, "index", schema, name, new)
    return None


def _set_schema(source: Source, stmt: Statement, node: Node, origin: Origin) -> Event | None:
    if node.get("objectType") == "OBJECT_EXTENSION":
        name = node.get("object", {}).get("String", {}).get("sval", "")
        return AlterExtension(origin, name, new_schema=node.get("newschema"))
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


def _extension_options(node: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for opt in def_elems(node.get("options")):
        value = opt.get("arg", {}).get("String", {}).get("sval")
        if value is not None:
            out[opt.get("defname", "")] = value
    return out


def _create_extension(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateExtension:
    options = _extension_options(node)
    return CreateExtension(
        origin,
        node.get("extname", ""),
        options.get("schema"),
        options.get("new_version"),
        bool(node.get("if_not_exists")),
    )


def _alter_extension(source: Source, stmt: Statement, node: Node, origin: Origin) -> AlterExtension:
    version = _extension_options(node).get("new_version")
    return AlterExtension(origin, node.get("extname", ""), version=version)


def _top_calls(node: Node) -> Iterator[Node]:
    """The function calls at the top of a select list and of FROM (`select f(...)`,
    `select from f(...)`, `select * from f(...)`)."""
    for item in node.get("targetList") or ():
        call = item.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if call:
            yield call
    for item in node.get("fromClause") or ():
        for function in item.get("RangeFunction", {}).get("functions") or ():
            for inner in function.get("List", {}).get("items") or ():
                call = inner.get("FuncCall") if isinstance(inner, dict) else None
                if call:
                    yield call


def _select_matters(node: Node) -> bool:
    """SELECT ... INTO (a table), set_config(...) (a setting) or pgmq's functions."""
    if "intoClause" in node:
        return True
    for item in node.get("targetList") or ():
        call = item.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if call is not None and strings(call.get("funcname"))[-1:] == ["set_config"]:
            return True
    return _calls_pgmq(node)


def _calls_pgmq(node: Node) -> bool:
    """Does a select call a pgmq function at its top? (No generator: runs for every select.)"""
    for item in node.get("targetList") or ():
        call = item.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if call is not None and _is_pgmq(call):
            return True
    return bool(node.get("fromClause")) and any(_is_pgmq(c) for c in _top_calls(node))


def _is_pgmq(call: Node) -> bool:
    names: list[Node] = call.get("funcname") or []
    return len(names) == 2 and names[0].get("String", {}).get("sval") == "pgmq"


def _pgmq_calls(node: Node, origin: Origin) -> list[Event]:
    """`select pgmq.create('jobs')` (or `select from pgmq.create(...)`, create_unlogged,
    create_partitioned) makes a queue; `pgmq.drop_queue('jobs')` drops it. Only calls at
    the top of the select list or FROM count: selects are many, and this must stay cheap."""
    events: list[Event] = []
    for call in _top_calls(node):
        names = strings(call.get("funcname"))
        if len(names) != 2 or names[0] != "pgmq":
            continue
        args = call.get("args") or []
        value = const_value(args[0]) if args else None
        if not isinstance(value, str):
            continue
        if names[1].startswith("create"):
            events.append(CreateQueue(origin, value))
        elif names[1] == "drop_queue":
            events.append(CreateQueue(origin, value, drop=True))
    return events


def _create_schema(source: Source, stmt: Statement, node: Node, origin: Origin) -> CreateSchema:
    name = node.get("schemaname") or node.get("authrole", {}).get("rolename", "")
    return CreateSchema(origin, name, bool(node.get("schemaElts")))


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


def _create_sequence(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateSequence | TempRelation:
    rel = node.get("sequence") or {}
    if rel.get("relpersistence") == "t":
        return TempRelation(origin, rel.get("relname", ""))
    return CreateSequence(origin, rel.get("schemaname"), rel.get("relname", ""))


def _create_callable(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateCallable | CreateCoercion | None:
    """CREATE AGGREGATE and the CREATE TYPE/DOMAIN forms: the name a call may use; CREATE
    OPERATOR of a comparison: the types it takes."""
    if node.get("kind") == "OBJECT_OPERATOR":
        names = strings(node.get("defnames"))
        if not names or names[-1] not in ("=", "<>", "<", "<=", ">", ">="):
            return None
        args = {
            elem.get("defname"): type_name(elem.get("arg", {}).get("TypeName"))
            for elem in def_elems(node.get("definition"))
        }
        return CreateCoercion(origin, names[-1], args.get("leftarg", ""), args.get("rightarg", ""))
    if "kind" in node and node["kind"] not in ("OBJECT_AGGREGATE", "OBJECT_TYPE"):
        return None  # DefineStmt: an operator, collation, text search object
    names = strings(
        node.get("defnames")
        or node.get("domainname")  # (a domain's typeName is its base type)
        or node.get("typeName")
        or [{"String": {"sval": (node.get("typevar") or {}).get("relname", "")}}]
    )
    return CreateCallable(origin, names[-1]) if names and names[-1] else None


def _create_cast(
    source: Source, stmt: Statement, node: Node, origin: Origin
) -> CreateCoercion | None:
    """CREATE CAST ... AS IMPLICIT / AS ASSIGNMENT: the types it converts between."""
    context = {"COERCION_IMPLICIT": "i", "COERCION_ASSIGNMENT": "a"}.get(node.get("context", ""))
    if context is None:
        return None
    source_type, target = type_name(node.get("sourcetype")), type_name(node.get("targettype"))
    return CreateCoercion(origin, context, source_type, target)


def _do(source: Source, stmt: Statement, node: Node, origin: Origin) -> list[Event]:
    """A DO block's static statements, modelled like top-level ones (see `sqlkit.model.do`)."""
    from sqlkit.model.do import do_block_events

    return do_block_events(source, stmt, node, extract_events)


Handler = Callable[[Source, Statement, Node, Origin], Event | list[Event] | None]

HANDLERS: dict[str, Handler] = {
    "CreateFunctionStmt": _create_function,
    "AlterFunctionStmt": _alter_function,
    "CommentStmt": _comment,
    "DropStmt": _drop,
    "GrantStmt": _grant,
    "AlterDefaultPrivilegesStmt": _default_privileges,
    "GrantRoleStmt": _grant_role,
    "CreateStmt": _create_table,
    "CreateForeignTableStmt": _create_foreign_table,
    "IndexStmt": _create_index,
    "CreateExtensionStmt": _create_extension,
    "AlterExtensionStmt": _alter_extension,
    "SelectStmt": _select,
    "AlterTableStmt": _alter_table,
    "CreatePolicyStmt": _create_policy,
    "AlterPolicyStmt": _alter_policy,
    "ViewStmt": _create_view,
    "CreateTableAsStmt": _create_table_as,
    "VariableSetStmt": _set,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "CreateSchemaStmt": _create_schema,
    "CreateRoleStmt": _role_options,
    "AlterRoleStmt": _role_options,
    "AlterRoleSetStmt": _role_set,
    "AlterDatabaseSetStmt": _role_set,
    "CreateTrigStmt": _create_trigger,
    "CreateSeqStmt": _create_sequence,
    "DoStmt": _do,
    "DefineStmt": _create_callable,
    "CompositeTypeStmt": _create_callable,
    "CreateEnumStmt": _create_callable,
    "CreateRangeStmt": _create_callable,
    "CreateDomainStmt": _create_callable,
    "CreateCastStmt": _create_cast,
}

# for kinds most of whose statements mean nothing to the model: a cheap test on the tree,
# before the statement's position is even computed
WANTED: dict[str, Callable[[Node], bool]] = {"SelectStmt": _select_matters}

# the statement kinds whose parse trees extraction reads; the parser loads no others
KINDS = frozenset(HANDLERS) | LOCK_KINDS
