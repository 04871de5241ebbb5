"""The fixes of the function rules: pin `search_path` and qualify what the body then needs
(SK101, SK102, SK106, SK107), and revoke EXECUTE with the exact signature (SK104, SK105).

A name is qualified only where the model is sure where it resolves: through the path the
function runs with now (its own, or the caller's `public` the rules assume), found in a
schema whose objects the project defines (`public` or one it creates, no extension in it),
or in pg_catalog. Anything else refuses the whole fix, with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.lint.edits import after_statement, insert, keywords, replace
from sqlkit.lint.finding import Edit, Fix
from sqlkit.lint.rules.functions.common import is_builtin, search_path_of
from sqlkit.model.platform import OWN_SCHEMA_EXTENSIONS, PLATFORM_SCHEMAS
from sqlkit.sql.values import quote_ident, search_path_from_text, search_path_schemas

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Function
    from sqlkit.sql.body import NameRef


class Refused(Exception):
    """A fix that cannot be made with certainty; the message says why."""


# ------------------------------------------------------------------ where names resolve
def _defines(ctx: LintContext, kind: str, schema: str, name: str) -> bool:
    model = ctx.model
    if kind == "relation":
        return (schema, name) in model.tables or (schema, name) in model.views
    if kind == "function":
        return bool(model.routines_named(schema, name))
    if kind == "type":  # a table's or view's row type: the only types the model has
        return (schema, name) in model.tables or (schema, name) in model.views
    return False


def _fully_known(ctx: LintContext, schema: str, kind: str) -> bool:
    """Does the model know every object of this kind in `schema`? Only for schemas the
    project itself defines, with no extension's objects in them, and never for types
    (enums, domains and composite types are not in the model)."""
    if kind == "type" or schema in PLATFORM_SCHEMAS:
        return False
    if schema != "public" and schema not in ctx.model.created_schemas:
        return False
    return not any(
        ext.schema == schema and name not in OWN_SCHEMA_EXTENSIONS
        for name, ext in ctx.model.extensions.items()
    )


def resolve(ctx: LintContext, ref: NameRef, path: list[str]) -> str:
    """The schema an unqualified name resolves to through `path` (pg_catalog first unless the
    path places it), as PostgreSQL looks it up; raises Refused when the model cannot be sure."""
    what = f"{ref.kind} `{ref.name}`"
    if ref.kind == "operator":
        raise Refused(f"{what} is not pg_catalog's: write OPERATOR(schema.{ref.name}) by hand")
    schemas = [s for s in path if s != "pg_temp"]
    if "pg_catalog" not in schemas:
        schemas.insert(0, "pg_catalog")
    builtin = is_builtin(ctx, ref)
    for index, schema in enumerate(schemas):
        if schema == "pg_catalog":
            if not builtin:
                continue
            # a project function of the same name later on the path competes in overload
            # resolution: which one a call picks depends on its argument types
            rivals = [s for s in schemas[index + 1 :] if _defines(ctx, ref.kind, s, ref.name)]
            if ref.kind == "function" and rivals:
                raise Refused(
                    f"{what} is both a built-in and {rivals[0]}.{ref.name}: which one a call "
                    "resolves to depends on its argument types"
                )
            return "pg_catalog"
        if _defines(ctx, ref.kind, schema, ref.name):
            if ref.kind == "function" and builtin:
                raise Refused(
                    f"{what} is both {schema}.{ref.name} and a built-in: which one a call "
                    "resolves to depends on its argument types"
                )
            return schema
        if not _fully_known(ctx, schema, ref.kind):
            where = (
                "types are not in sqlkit's model"
                if ref.kind == "type"
                else f"sqlkit does not know every object of schema {schema}"
            )
            raise Refused(f"{what} may be in schema {schema} ({where}): qualify it by hand")
    shown = ", ".join(path) or "''"
    raise Refused(
        f"{what} is defined nowhere on the search_path ({shown}) that sqlkit knows of "
        "(an extension's?): qualify it by hand"
    )


def _qualified_somewhere(ctx: LintContext, ref: NameRef) -> str:
    """SK106: the one schema of the project that defines the name (the function's empty path
    finds nothing, so the author's meaning is the project's object); Refused otherwise."""
    schemas = sorted(
        schema
        for schema in ctx.model.existing_schemas | ctx.model.created_schemas
        if _defines(ctx, ref.kind, schema, ref.name)
    )
    if ref.kind == "operator" or len(schemas) != 1:
        found = ", ".join(f"{s}.{ref.name}" for s in schemas) or "no schema of the project"
        raise Refused(f"{ref.kind} `{ref.name}` could mean {found}: qualify it by hand")
    return schemas[0]


def _qualify_edits(
    ctx: LintContext, function: Function, refs: list[NameRef], schema_of: dict[str, str]
) -> list[Edit]:
    """`schema.` in front of each written name of `refs` (resolved in `schema_of`, by
    kind:name) that does not resolve to pg_catalog."""
    edits: dict[tuple[int, int], Edit] = {}
    for ref in refs:
        schema = schema_of[f"{ref.kind}:{ref.name}"]
        if schema == "pg_catalog":
            continue
        if not ref.exact:
            raise Refused(
                f"sqlkit cannot tell exactly where `{ref.name}` is written in the body: "
                "qualify it by hand"
            )
        where = (ref.span[0], ref.span[1], ref.span[0], ref.span[1])
        edits[where[:2]] = insert(function.origin.path, where, f"{quote_ident(schema)}.")
    return list(edits.values())


def _unqualified(function: Function) -> list[NameRef]:
    body = function.definition.body
    assert body is not None
    return [
        ref
        for ref in body.refs
        if ref.schema is None
        and not (ref.kind == "relation" and ref.name in function.transition_tables)
    ]


def _body_checked(function: Function) -> None:
    """Refuse bodies whose names sqlkit cannot all see."""
    definition = function.definition
    body = definition.body
    if definition.language not in ("sql", "plpgsql"):
        raise Refused(f"a {definition.language} function: sqlkit does not read its body")
    if body is None or not body.analysed or body.parse_errors:
        raise Refused("its body could not be analysed")
    if body.dynamic_sql:
        raise Refused("it runs dynamic SQL, whose names resolve through the search_path")
    if body.name_strings:
        raise Refused(
            f"{body.name_strings[0]} names an object in a string, looked up through the "
            "search_path when it runs: qualify the name in the string by hand"
        )


# -------------------------------------------------------------------------- SK101/SK102
def _target_path(ctx: LintContext) -> str:
    """The value the fix sets: `''` when allowed, else the first allowed value that names
    nothing but pg_catalog and pg_temp."""
    allowed = [search_path_from_text(v) for v in ctx.settings.option("allowed_search_paths")]
    for value in sorted(allowed, key=lambda v: (v != "", allowed.index(v))):
        if ctx.search_path_is_empty(value) or value == "":
            return value
    raise Refused("no value of allowed_search_paths pins the path to pg_catalog: set it by hand")


def pin_search_path(ctx: LintContext, function: Function, code: str) -> Fix:
    """SK101 (no SET search_path: add one) and SK102 (an unsafe value: replace it): pin the
    path and qualify every name the body then needs."""
    try:
        target = _target_path(ctx)
        shown = "''" if target == "" else target
        description = f"set search_path = {shown} and qualify the names its body uses"
        definition = function.definition
        current = function.config.get("search_path")
        if current == "FROM CURRENT":
            raise Refused(
                "SET search_path FROM CURRENT keeps the migration session's path, which "
                "sqlkit does not know here: set the path and qualify the names by hand"
            )
        path = search_path_of(function)
        edits: list[Edit] = []
        if current is None:
            if "search_path" in function.altered:
                raise Refused("a later ALTER ... RESET search_path would undo a SET in the CREATE")
            if definition.clause_point is None:
                raise Refused("sqlkit cannot tell where to add the clause in this statement")
            clause = keywords("set", definition.clause_upper) + f" search_path = {shown}"
            edits.append(
                insert(
                    function.origin.path, definition.clause_point, clause + definition.clause_sep
                )
            )
        else:
            where = function.config_value_ranges.get("search_path")
            origin = function.config_origins.get("search_path")
            if where is None or origin is None:
                raise Refused("sqlkit cannot tell exactly where the search_path value is written")
            edits.append(replace(origin.path, where, shown))
        if not definition.atomic:  # a BEGIN ATOMIC body was resolved when it was created
            _body_checked(function)
            refs = _unqualified(function)
            schema_of = {f"{r.kind}:{r.name}": resolve(ctx, r, path) for r in refs}
            qualify = _qualify_edits(ctx, function, refs, schema_of)
            if qualify:
                count = len({k for k, s in schema_of.items() if s != "pg_catalog"})
                description = (
                    f"set search_path = {shown} and qualify {count} "
                    f"name{'s' if count != 1 else ''} its body uses"
                )
            edits.extend(qualify)
        else:
            description = f"set search_path = {shown}"
        return Fix(description, tuple(edits))
    except Refused as why:
        return Fix.refuse("pin search_path and qualify the body's names", str(why))


def pin_temp_last(ctx: LintContext, function: Function) -> Fix:
    """SK102's second form: an allowed path without pg_temp last in a definer function that
    names relations unqualified: put pg_temp last."""
    description = "set search_path = pg_catalog, pg_temp"
    where = function.config_value_ranges.get("search_path")
    origin = function.config_origins.get("search_path")
    value = function.config.get("search_path") or ""
    schemas = search_path_schemas(value)
    if where is None or origin is None:
        return Fix.refuse(description, "sqlkit cannot tell where the search_path value is written")
    if any(s not in ("pg_catalog", "pg_temp") for s in schemas):
        return Fix.refuse(description, "the path names other schemas: set it by hand")
    return Fix(description, (replace(origin.path, where, "pg_catalog, pg_temp"),))


# ---------------------------------------------------------------------- SK106/SK107
def qualify_name(ctx: LintContext, function: Function, ref: NameRef, code: str) -> Fix:
    """Qualify every written use of one name in a body: SK106 (an empty path finds nothing:
    the project's one object of that name) and SK107 (the schema the path finds now)."""
    description = f"qualify {ref.kind} `{ref.name}` with its schema"
    try:
        _body_checked(function)
        if function.definition.atomic:
            raise Refused(
                "a BEGIN ATOMIC body was resolved with the migration session's path when it "
                "was created, which sqlkit does not know here"
            )
        current = function.config.get("search_path")
        if code == "SK106":
            schema = _qualified_somewhere(ctx, ref)
        else:
            if current == "FROM CURRENT":
                raise Refused("SET search_path FROM CURRENT: the path is the migration session's")
            schema = resolve(ctx, ref, search_path_of(function))
        if schema == "pg_catalog":
            raise Refused(f"`{ref.name}` resolves to pg_catalog's, which needs no schema")
        same = [r for r in _unqualified(function) if (r.kind, r.name) == (ref.kind, ref.name)]
        edits = _qualify_edits(ctx, function, same, {f"{ref.kind}:{ref.name}": schema})
        return Fix(f"qualify {ref.kind} `{ref.name}` as {schema}.{ref.name}", tuple(edits))
    except Refused as why:
        return Fix.refuse(description, str(why))


# ---------------------------------------------------------------------- SK104/SK105
_SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")


def signature(function: Function) -> str:
    """`public.f(uuid, int4)`: the function's identity, quoted where PostgreSQL needs it."""
    key = function.key
    return f"{quote_ident(key.schema)}.{quote_ident(key.name)}({', '.join(key.arg_types)})"


def _statement_parses(sql: str) -> bool:
    from pglast import parser as pg_parser

    try:
        pg_parser.parse_sql_json(sql)
    except pg_parser.ParseError:
        return False
    return True


def revoke(ctx: LintContext, function: Function, holders: list[str]) -> Fix:
    """REVOKE EXECUTE from `holders` (grantees that hold it directly: "public", "anon"),
    after the last statement that granted it, keeping the access of the target's API roles
    that the REVOKE did not mean to take (SK104: PUBLIC, anon; SK105: PUBLIC)."""
    shown = ", ".join("PUBLIC" if r == "public" else r for r in holders)
    description = f"revoke EXECUTE on {function.display} from {shown}"
    if not holders:
        return Fix.refuse(description, "it is executable through role membership, not a grant")
    anchor = function.grant_origin or function.origin
    upper = function.definition.clause_upper
    on = keywords(f"execute on {function.kind} ", upper) + signature(function)
    public = keywords("public", upper)
    grantees = ", ".join(public if r == "public" else quote_ident(r) for r in holders)
    statements = [keywords("revoke ", upper) + on + keywords(" from ", upper) + grantees + ";"]
    safe = True
    notes: list[str] = []
    after = set(function.execute) - set(holders)
    revoked_by_author = {role for _, role in function.revokes}
    if ctx.settings.target == "supabase":
        for role in _SUPABASE_API_ROLES:
            if role in holders or role in revoked_by_author or role == "anon":
                continue
            loses = ctx.model.can_call(function, role) and not (ctx.model.roles_of(role) & after)
            if loses:
                statements.append(
                    keywords("grant ", upper) + on + keywords(" to ", upper) + role + ";"
                )
                notes.append(f"{role} keeps it")
    elif "public" in holders:
        safe = False
        notes.append("every role that had it through PUBLIC loses it")
    explicit = [r for r in holders if r in function.granted_explicitly]
    if explicit:
        safe = False
        notes.append(f"undoes an explicit GRANT to {', '.join(explicit)}")
    sql = "\n".join(statements)
    if not _statement_parses(sql):
        return Fix.refuse(description, f"the statement sqlkit would write does not parse: {sql}")
    edit = after_statement(anchor, sql)
    if edit is None:
        return Fix.refuse(
            description,
            "the statement that grants it is inside a DO block or ends without a semicolon: "
            "add the REVOKE by hand",
        )
    if notes:
        description += f" ({'; '.join(notes)})"
    return Fix(description, (edit,), safe)
