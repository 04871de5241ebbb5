"""No template parameter can escape its slot: hostile values are refused, or stay where they were put.

For every parameter of every built-in template, a hostile value (control characters,
every kind of quote, dollar quotes, comment markers, semicolons, backslashes, Unicode
line separators, E'\\'' and "'") either fails with a TemplateError naming the
parameter, or renders SQL that PostgreSQL's parser (pglast) reads as exactly the
statements a benign value of the same shape gives:

- a value that is not code (identifier, literal, comment text, number, tag) leaves
  the token stream unchanged, token kind for token kind, inside function bodies too;
- a code value (expression, query, type, arguments) leaves the statements, their
  kinds, the function bodies' statements and the comments unchanged.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser as pg_parser

from sqlkit.config import Settings
from sqlkit.errors import TemplateError
from sqlkit.render.render import Renderer

RENDERER = Renderer(Settings(root=Path("/nonexistent")))

# Every line terminator PostgreSQL's scanner (\n, \r) or an editor (the rest) honours.
LINE_BREAKS = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# Nothing a value carries may reach the rendered file as one of these.
FORBIDDEN_IN_OUTPUT = set(LINE_BREAKS[1:]) | {"\x00", "\u202e", "\u2066", "\u200f"}

BASE: dict[str, dict[str, Any]] = {
    "rpc-table": {
        "name": "f",
        "args": ["p_a uuid", "p_n integer default 5"],
        "returns": ["id uuid", "n integer"],
        "query": "select s.id, 1 from public.s s where s.a = p_a",
        "security": "definer",
        "definer_reason": "reads every row",
        "authorize": "(select auth.jwt() ->> 'user_role') = 'admin'",
        "comment": "c",
    },
    "rpc-json": {
        "name": "f",
        "args": ["p_a uuid"],
        "query": "select jsonb_build_object('n', count(*)) from public.s s",
        "security": "definer",
        "definer_reason": "counts every row",
        "authorize": "(select auth.jwt() ->> 'user_role') = 'admin'",
        "comment": "c",
    },
    "cache-framework": {},
    "cached-rpc": {
        "name": "f",
        "args": ["p_a uuid"],
        "compute": "public.g(p_a)",
        "tags": ["t"],
        "prelude": "p_a is not null",
        "dynamic_tags": "array['x:' || p_a::text]",
        "key_parts": "jsonb_build_array(p_a)",
        "declare": ["v_x integer default 1"],
    },
    "invalidation-trigger": {"name": "n", "table": "public.t", "tags": ["t", "p:id"]},
    "auth-hook": {},
    "rls-policies": {
        "table": "public.t",
        "student_column": "student_id",
        "client_via": "exists (select 1 from public.c c where c.id = t.c_id and c.client_id = jwt_client_id)",
        "student_writes": True,
    },
    "job-queue": {},
    "export-batch": {
        "name": "f",
        "args": ["p_a uuid"],
        "returns": ["id uuid", "n integer"],
        "select_list": "s.id, s.n",
        "from": "public.s s",
        "where": "s.a = p_a",
        "sort_column": "s.created_at",
        "id_column": "s.id",
        "security": "definer",
        "definer_reason": "reads every row",
        "authorize": "true",
    },
}
KINDS = sorted(BASE)
PARAMS = [(kind, name) for kind in KINDS for name in RENDERER.spec(kind).params]
LIST_TYPES = {"idents", "literals", "tags", "args", "columns"}
CODE_TYPES = {"sql", "query", "select_list", "from_list", "type", "args", "columns"}
BENIGN_CODE = {
    "sql": "true",
    "query": "select 1",
    "select_list": "1",
    "from_list": "public.b b",
    "type": "text",
}

PAYLOADS = [
    *LINE_BREAKS,
    "\x00",
    "\t",
    "\u202e",
    "'",
    '"',
    "`",
    "’",
    "\\",
    "$$",
    "$fn$",
    "$tag$",
    "$1",
    "*/",
    "/*",
    "--",
    ";",
    ",",
    ":",
    ".",
    "(",
    ")",
    "%",
    "E'\\''",
    '"\'"',
    "jwt_client_id",
    "default",
    "select",
    "grant all on all tables in schema public to anon;",
    "); drop table t; --",
    "x %', nextval('public.pwn')::text || '",
    "'$fn$'",
    "E'\\'' ) or true or ( E'\\''",
    '"\'") or true or ("\'"',
    "'*/' || '/*'",
    "x = 'jwt_client_id'",
    "s.a = jwt_client_id or true",
    "-1",
    "1, 2",
]
# valid expressions, queries and types whose text is hostile: accepted, and must stay put
NASTY_CODE = [
    "'$fn$'",
    "E'\\''",
    '"\'"',
    "'a''b'",
    "'--' || '/*'",
    "E'\\n'",
    "'jwt_client_id' = jwt_client_id",
    "s.a = p_a or true",
    "-1",
    "(select '$$')",
    "select '$fn$' as x",
    "select ';'",
    '"Mixed Case"',
    "numeric(10,2)",
    "p_x text default 'a'')--'",
    "p_x text default E'\\''",
]


def _render(kind: str, params: dict[str, Any]) -> str:
    return RENDERER.render_template(kind, params)


def _token_kinds(sql: str) -> list[str]:
    """The scanner's token kinds, descending into dollar-quoted bodies."""
    out: list[str] = []
    for token in pg_parser.scan(sql):
        text = sql[token.start : token.end + 1]
        if token.name == "SCONST" and text.startswith("$"):
            delimiter = text[: text.index("$", 1) + 1]
            out.append("BODY(")
            out.extend(_token_kinds(text[len(delimiter) : -len(delimiter)]))
            out.append(")BODY")
        elif token.kind == "UNRESERVED_KEYWORD":
            out.append("IDENT")  # an unquoted identifier that happens to be a keyword
        else:
            out.append(token.name)
    return out


def _plpgsql_statements(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("PLpgSQL_stmt"):
                found.append(key)
            found.extend(_plpgsql_statements(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_plpgsql_statements(item))
    return found


def _shape(sql: str) -> list[Any]:
    """Statements and their kinds; for functions, the language and the body's statements.

    A PL/pgSQL body is its statements as pglast parses them, and the number of `;` in
    it (pglast's PL/pgSQL parser resolves types in pg_catalog and public only: for a
    type elsewhere the statements are None and only the count is compared).
    """
    shape: list[Any] = []
    for text in pg_parser.split(sql):
        ((kind, node),) = json.loads(pg_parser.parse_sql_json(text))["stmts"][0]["stmt"].items()
        if kind != "CreateFunctionStmt":
            shape.append(kind)
            continue
        options = {o["DefElem"]["defname"]: o["DefElem"]["arg"] for o in node["options"]}
        language = options["language"]["String"]["sval"]
        body = options["as"]["List"]["items"][0]["String"]["sval"]
        inner: list[str] | None
        if language == "plpgsql":
            try:
                inner = _plpgsql_statements(json.loads(pg_parser.parse_plpgsql_json(text)))
            except pg_parser.ParseError as exc:
                if "Not implemented" not in str(exc):
                    raise
                inner = None
        else:
            inner = [
                next(iter(s["stmt"]))
                for s in json.loads(pg_parser.parse_sql_json(body)).get("stmts", [])
            ]
        shape.append((kind, language, _token_kinds(body).count("ASCII_59"), inner))
    return shape


def _same_shape(mine: list[Any], theirs: list[Any]) -> bool:
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        if isinstance(a, tuple) and isinstance(b, tuple) and None in (a[3], b[3]):
            a, b = a[:3], b[:3]
        if a != b:
            return False
    return True


def _benign(kind: str, name: str, value: Any) -> Any:
    """A harmless value of the same shape: same emptiness, list length and template branch."""
    param = RENDERER.spec(kind).params[name]
    if value == "" or param.choices or param.type in ("int", "bool", "interval"):
        return value
    if param.type in BENIGN_CODE:
        return BENIGN_CODE[param.type]
    one = {
        "ident": "benign",
        "idents": "benign",
        "qualified": "public.benign",
        "literal": "benign",
        "literals": "benign",
        "text": "benign",
        "args": "p_b{} text",
        "columns": "c{} text",
        "tags": "benign",
    }[param.type]
    if isinstance(value, list):
        out = [one.format(i) for i in range(len(value))]
        if param.type == "tags":  # a per-row tag takes another branch than a plain one
            out = ["p:c" if ":" in str(v) else "benign" for v in value]
        return out
    return one.format(0)


@functools.cache
def _analysed(kind: str, name: str, benign: Any) -> tuple[list[Any], list[str]]:
    sql = _render(kind, {**BASE[kind], name: list(benign) if isinstance(benign, tuple) else benign})
    return _shape(sql), _token_kinds(sql)


def assert_confined(kind: str, name: str, value: Any) -> None:
    """`value` for parameter `name` is refused naming it, or cannot escape its slot."""
    params = {**BASE[kind], name: value}
    try:
        hostile = _render(kind, params)
    except TemplateError as exc:
        assert f"`{name}`" in str(exc), f"{kind}.{name}={value!r}: error does not name it: {exc}"
        return
    benign = _benign(kind, name, value)
    benign_shape, benign_tokens = _analysed(
        kind, name, tuple(benign) if isinstance(benign, list) else benign
    )
    shown = f"{kind}.{name}={value!r}\n{hostile}"
    assert not FORBIDDEN_IN_OUTPUT & set(hostile), shown
    try:
        hostile_shape = _shape(hostile)
        hostile_tokens = _token_kinds(hostile)
    except pg_parser.ParseError as exc:
        raise AssertionError(f"{shown}\ndoes not parse: {exc}") from None
    assert _same_shape(hostile_shape, benign_shape), shown
    param_type = RENDERER.spec(kind).params[name].type
    if param_type in CODE_TYPES:
        comments = ("SQL_COMMENT", "C_COMMENT")
        assert [t for t in hostile_tokens if t in comments] == [
            t for t in benign_tokens if t in comments
        ], shown
    else:
        assert hostile_tokens == benign_tokens, shown


def test_every_builtin_template_has_a_base() -> None:
    assert {k for k, s in RENDERER.templates.items() if s.builtin} == set(BASE)
    for kind in KINDS:
        _shape(_render(kind, BASE[kind]))


# ----------------------------------------------------------- the holes the sweep found
@pytest.mark.parametrize("kind", ["rpc-table", "rpc-json", "export-batch", "cached-rpc"])
@pytest.mark.parametrize("newline", LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in LINE_BREAKS])
def test_comment_text_refuses_every_line_terminator(kind: str, newline: str) -> None:
    value = f"r{newline}grant all on all tables in schema public to anon;"
    with pytest.raises(TemplateError, match="`definer_reason`"):
        _render(kind, {**BASE[kind], "definer_reason": value})


@pytest.mark.parametrize("kind", ["rpc-table", "rpc-json", "export-batch", "cached-rpc"])
def test_a_quote_in_the_name_stays_inside_the_error_message(kind: str) -> None:
    name = "x %', nextval('public.pwn')::text || '"
    assert_confined(kind, "name", name)
    sql = _render(kind, {**BASE[kind], "name": name})
    assert "'not allowed to call %', 'x %'', nextval(''public.pwn'')::text || ''' " in sql


@pytest.mark.parametrize(
    "value",
    [
        # the old quote counter took these for balanced; each closes the template's parentheses
        '"\'" ), true) or not coalesce(( "\'"',
        "E'\\'' ), true) or not coalesce(( E'\\''",
        "1) from pg_authid where (true",
        "1) union (select 2",
        "a, b",
        "true) or (true",
    ],
)
def test_sql_is_exactly_one_expression(value: str) -> None:
    with pytest.raises(TemplateError, match="`authorize`"):
        _render("rpc-json", {**BASE["rpc-json"], "authorize": value})


@pytest.mark.parametrize(
    "value",
    ['("\'") or true or ("\'")', "E'\\'' = E'\\''", "(select 1) union (select 2)"],
)
def test_a_quoted_quote_is_one_token_not_a_quote(value: str) -> None:
    # valid single expressions: accepted, and parenthesised where they are put
    assert_confined("rpc-json", "authorize", value)
    assert f"coalesce(({value}), false)" in _render(
        "rpc-json", {**BASE["rpc-json"], "authorize": value}
    )


@pytest.mark.parametrize(
    ("kind", "name", "value"),
    [
        ("auth-hook", "default_role", "$fn$; drop table x; $fn$"),
        ("job-queue", "channel", "$fn$ || pg_sleep(1) || $fn$"),
        ("cached-rpc", "allowed_roles", ["$fn$; select 1; $fn$"]),
        ("cached-rpc", "tags", ["$fn$"]),
        ("rpc-json", "name", "a$fn$b"),
        ("cached-rpc", "name", "a$fn$b"),
        ("cache-framework", "table", "q$fn$"),
    ],
)
def test_a_dollar_quote_delimiter_cannot_end_a_function_body(
    kind: str, name: str, value: Any
) -> None:
    assert_confined(kind, name, value)


def test_an_expression_stays_one_operand_whatever_surrounds_it() -> None:
    # `tenant and <client_via>`: without parentheses `... or true` would bind to the whole
    sql = _render(
        "rls-policies", {**BASE["rls-policies"], "client_via": "t.c_id = jwt_client_id or true"}
    )
    select = next(
        s
        for s in json.loads(pg_parser.parse_sql_json(sql))["stmts"]
        if s["stmt"].get("CreatePolicyStmt", {}).get("cmd_name") == "select"
    )
    qual = select["stmt"]["CreatePolicyStmt"]["qual"]["BoolExpr"]  # staff or (tenant and x) or own
    tenant = next(
        a["BoolExpr"] for a in qual["args"] if a.get("BoolExpr", {}).get("boolop") == "AND_EXPR"
    )
    assert len(tenant["args"]) == 2
    assert tenant["args"][1].get("BoolExpr", {}).get("boolop") == "OR_EXPR", sql


def test_jwt_client_id_is_replaced_as_a_name_never_inside_a_string() -> None:
    sql = _render(
        "rls-policies",
        {**BASE["rls-policies"], "client_via": "t.c_id = jwt_client_id and t.k <> 'jwt_client_id'"},
    )
    assert "t.k <> 'jwt_client_id'" in sql
    assert "t.c_id = (select (auth.jwt() ->> 'client_id')::uuid)" in sql


# ------------------------------------------------------------------ the property
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_in_every_parameter_stays_in_its_slot(payload: str) -> None:
    # a character also inside a word: "a'b" is an identifier where "'" alone is not
    variants = [payload, f"a{payload}b"] if len(payload) <= 2 else [payload]
    for kind, name in PARAMS:
        list_type = RENDERER.spec(kind).params[name].type in LIST_TYPES
        for variant in variants:
            assert_confined(kind, name, [variant] if list_type else variant)


@pytest.mark.parametrize("code", NASTY_CODE)
def test_hostile_but_valid_code_stays_in_its_slot(code: str) -> None:
    for kind, name in PARAMS:
        param_type = RENDERER.spec(kind).params[name].type
        if param_type in CODE_TYPES:
            assert_confined(kind, name, [code] if param_type in ("args", "columns") else code)


HOSTILE_PIECE = st.one_of(
    st.sampled_from(PAYLOADS),
    st.sampled_from(NASTY_CODE),
    st.text(st.characters(codec="utf-8"), max_size=3),
    st.sampled_from(["a", "x y", "select 1", "true", "p_x text", "public.t", " "]),
)
HOSTILE = st.lists(HOSTILE_PIECE, min_size=1, max_size=4).map("".join)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.sampled_from(PARAMS),
    st.one_of(HOSTILE, st.lists(HOSTILE, min_size=1, max_size=3)),
)
def test_hostile_values_never_escape_their_slot(param: tuple[str, str], value: Any) -> None:
    kind, name = param
    if RENDERER.spec(kind).params[name].type in LIST_TYPES and isinstance(value, str):
        value = [value]  # a string is split at commas: keep the benign twin's shape simple
    assert_confined(kind, name, value)


def test_every_parameter_type_and_filter_is_documented() -> None:
    from sqlkit.render.quoting import FILTERS
    from sqlkit.render.templates import TYPES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text()
    assert [t for t in TYPES if f"`{t}`" not in docs] == []
    assert [f for f in FILTERS if f"| {f}" not in docs.replace("\\|", "|")] == []


def test_raw_values_are_out_of_a_templates_reach(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    front = '{#- sqlkit-template\ndescription = "x"\n[params.name]\ntype = "ident"\n-#}\n'
    for body, message in [
        ("select '{{ name_raw }}';", "name_raw"),
        ("select '{{ name._text }}';", "unsafe"),
    ]:
        (folder / "t.sql.j2").write_text(front + body)
        with pytest.raises(TemplateError, match=message):
            Renderer(Settings(root=tmp_path)).render_template("t", {"name": "x"})
    (folder / "t.sql.j2").write_text(front + "select {{ name | literal }}, {{ name | comment }};")
    rendered = Renderer(Settings(root=tmp_path)).render_template("t", {"name": "it's"})
    assert rendered == "select 'it''s', it's;\n"


def test_a_project_template_gets_the_same_guarantees(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.sql.j2").write_text(
        '{#- sqlkit-template\ndescription = "x"\n[params.cond]\ntype = "sql"\n'
        '[params.why]\ntype = "text"\n-#}\n-- {{ why }}\nselect 1 where {{ cond }} and true;\n'
    )
    renderer = Renderer(Settings(root=tmp_path))
    for params, name in [
        ({"cond": "true) or (true", "why": "w"}, "cond"),
        ({"cond": "true", "why": "w\rgrant all on t to anon;"}, "why"),
    ]:
        with pytest.raises(TemplateError, match=f"`{name}`"):
            renderer.render_template("t", params)
    sql = renderer.render_template("t", {"cond": "false or true", "why": "w"})
    assert "select 1 where (false or true) and true;" in sql
