"""Statement splitting, positions, decoding and PL/pgSQL body mapping."""

from __future__ import annotations

from sqlkit.model.extract import KINDS
from sqlkit.sql.source import ByteMap, Source, read_source
from sqlkit.sql.split import parse_statements, split_text
from tests.conftest import lint_text


def _kinds(text: str) -> list[tuple[str | None, int, int]]:
    source = Source("x.sql", text)
    return [(s.kind, *source.position(s.start)) for s in parse_statements(source, kinds=None)]


def test_statements_have_exact_lines_and_columns() -> None:
    text = "-- header\nselect 1;\n  /* c */ select\n  2;\ncreate table t (id int);"
    assert _kinds(text) == [("SelectStmt", 2, 1), ("SelectStmt", 3, 11), ("CreateStmt", 5, 1)]


def test_non_ascii_text_keeps_character_columns() -> None:
    text = "select 'héllo wörld';  select 'ü'; selec 2;"
    source = Source("x.sql", text)
    stmts = parse_statements(source, kinds=None)
    assert [source.position(s.start) for s in stmts] == [(1, 1), (1, 24), (1, 36)]
    assert stmts[2].error is not None
    assert source.position(stmts[2].error[1]) == (1, 36)


def test_bytemap_round_trip() -> None:
    text = "aé€b\U0001f600c"
    bytemap = ByteMap(text)
    for index in range(len(text)):
        assert bytemap.to_char(len(text[:index].encode())) == index


def test_only_model_statements_get_parse_trees() -> None:
    source = Source(
        "x.sql", "insert into t values (1);\ngrant select on t to anon;\nSET search_path = app;"
    )
    assert [s.kind for s in parse_statements(source, kinds=KINDS)] == [
        "",
        "GrantStmt",
        "VariableSetStmt",
    ]


def test_rejected_statement_does_not_stop_the_rest() -> None:
    kinds = _kinds("select 1;\nthis is not sql;\ncreate table t (id int);\n")
    assert kinds == [("SelectStmt", 1, 1), (None, 2, 1), ("CreateStmt", 3, 1)]


def test_splitter_respects_quotes_comments_and_atomic_bodies() -> None:
    text = (
        "select ';', $x$;$x$, E'\\';', \"a;b\"; -- ;\n"
        "/* ; /* nested ; */ ; */ select 2;\n"
        "create function f() returns int begin atomic select 1; select case when true then 1 end; end;\n"
        "select 3"
    )
    pieces = [text[a:b].strip() for a, b in split_text(text)]
    assert len(pieces) == 4
    assert pieces[2].startswith("create function") and pieces[2].endswith("end;")
    assert pieces[3] == "select 3"


def test_unterminated_dollar_quote_runs_to_end() -> None:
    assert split_text("select 1; select $$ abc; select 2;") == [(0, 9), (9, 34)]


def test_psql_meta_commands_are_skipped_but_text_kept() -> None:
    source = Source("x.sql", "\\set x 1\nselect 1;\n\\i other.sql\n")
    assert [s.kind for s in parse_statements(source, kinds=None)] == ["SelectStmt"]
    assert source.line_text(1) == "\\set x 1"


PG_DUMP_WITH_DATA = """\
CREATE TABLE public.t (id integer NOT NULL, name text);

COPY public.t (id, name) FROM stdin;
1\talice
2\tbob; drop table x
3\t\\N
\\.

ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
\\copy public.t from stdin
4\tcarol
\\.
"""


def test_copy_from_stdin_data_is_not_sql() -> None:
    """pg_dump's data sections (psql sends the lines up to `\\.` to the COPY): the statement
    after them is parsed on its own, the data is never a statement, offsets hold."""
    source = Source("dump.sql", PG_DUMP_WITH_DATA)
    statements = parse_statements(source, kinds=None)
    assert [(s.kind, source.position(s.start)[0]) for s in statements] == [
        ("CreateStmt", 1),
        ("CopyStmt", 3),
        ("AlterTableStmt", 9),
    ]
    assert len(source.parse_text) == len(source.text)
    assert "alice" not in source.parse_text and "carol" not in source.parse_text
    codes = {f.code for f in lint_text(PG_DUMP_WITH_DATA).findings}
    assert "SK000" not in codes and "SK215" not in codes  # the primary key after the data


def test_copy_from_stdin_without_end_of_data_is_left_to_the_parser() -> None:
    text = "copy t from stdin;\n1\tx\n\\echo done\n"
    assert Source("x.sql", text).parse_text == text.replace("\\echo done", " " * 10)
    notes = lint_text("select 1;\n  COPY t FROM STDIN;\n1\tx\n").notes
    assert [(n.line, n.important) for n in notes if "no line `\\.`" in n.message] == [(2, True)]
    assert not lint_text(PG_DUMP_WITH_DATA).notes


def test_invalid_utf8_is_replaced_with_a_note() -> None:
    source = read_source("x.sql", b"select '\xff\xfe';\n")
    assert "\ufffd" in source.text
    assert source.notes and "UTF-8" in source.notes[0]
    result = lint_text(b"select '\xff';\n")
    assert result.notes and not result.findings


def test_plpgsql_embedded_sql_maps_to_file_lines() -> None:
    sql = (
        "create function public.f() returns int language plpgsql set search_path = '' as $$\n"
        "declare\n"
        "  n int;\n"
        "begin\n"
        "  select count(*)\n"
        "    into n\n"
        "    from students;\n"
        "  perform audit_it(n);\n"
        "  return n;\n"
        "end $$;\n"
    )
    found = {
        f.message.split("`")[1]: (f.line, f.column)
        for f in lint_text(sql).findings
        if f.code == "SK106"
    }
    assert found == {"students": (7, 10), "audit_it": (8, 11)}


def test_single_quoted_body_is_analysed() -> None:
    sql = "create function public.f() returns bigint language sql stable set search_path = ''\nas 'select count(*) from students';\n"
    assert [f.line for f in lint_text(sql).findings if f.code == "SK106"] == [2]


def test_unanalysable_plpgsql_body_is_a_note_not_a_crash() -> None:
    sql = (
        "create function public.f() returns int language plpgsql set search_path = '' as $$\n"
        "begin return next 1; end $$;\n"
    )
    result = lint_text(sql)
    assert any("not analysed" in n.message for n in result.notes)
    assert not any(f.code == "SK000" for f in result.findings)


def test_split_text_quotes_comments_words_and_atomic_bodies() -> None:
    def pieces(text: str) -> list[str]:
        return [text[a:b].strip() for a, b in split_text(text)]

    # a `$` inside an identifier starts no dollar quote; E'' strings have backslash escapes
    assert pieces("select a$$b$ from t; select 2;") == ["select a$$b$ from t;", "select 2;"]
    assert pieces("select 1 as x_$$; select $1, $$;$$;") == [
        "select 1 as x_$$;",  # the word is `x_$$` (as PostgreSQL's lexer reads it)
        "select $1, $$;$$;",
    ]
    assert pieces(r"select E'it\'s; fine'; select 'a''b;c';") == [
        r"select E'it\'s; fine';",
        "select 'a''b;c';",
    ]
    # nested block comments and line comments hide semicolons
    assert pieces("select 1 /* a /* b; */ c; */; -- d;\nselect 2") == [
        "select 1 /* a /* b; */ c; */;",
        "-- d;\nselect 2",
    ]
    # BEGIN ATOMIC ... END spans semicolons, CASE ... END inside it too
    body = (
        "create function f() returns int begin atomic select case when true then 1 end; "
        "select 2; end; select 3;"
    )
    assert pieces(body) == [body[: body.index("end; select 3") + 4], "select 3;"]
    # a minus or a slash alone is no comment
    assert pieces("select 4 - 2 / 1; select 5") == ["select 4 - 2 / 1;", "select 5"]


def test_rejected_statements_around_a_rule_whose_body_holds_semicolons() -> None:
    # after a rejected statement the parser is tried on short windows of pieces; a window
    # that ends inside the rule's (a; b) must widen, not report the rule as rejected
    rule = "create rule r as on insert to t do also (insert into a values (1); insert into b values (2));\n"
    for before in range(0, 40, 3):
        text = "selec 1;\n" + "select 1;\n" * before + rule + "selec 2;\nselect 3;\n"
        statements = parse_statements(Source("x.sql", text), kinds=None)
        assert [s.kind for s in statements] == [
            None,
            *["SelectStmt"] * before,
            "RuleStmt",
            None,
            "SelectStmt",
        ], before
