"""Lint never raises: arbitrary text, arbitrary bytes, and known nasty inputs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import lint_text

SQL_PIECES = st.sampled_from(
    [
        "create",
        "or replace",
        "function",
        "procedure",
        "public.f",
        "(",
        ")",
        "a int",
        "returns",
        "int",
        "setof",
        "language",
        "plpgsql",
        "sql",
        "as",
        "$$",
        "$x$",
        "'",
        "''",
        '"',
        ";",
        "begin",
        "atomic",
        "end",
        "declare",
        "select",
        "*",
        "from",
        "students",
        "where",
        "raise",
        "notice",
        "'%s'",
        "'% %'",
        ",",
        "execute",
        "||",
        "security definer",
        "set search_path = ''",
        "grant",
        "revoke",
        "execute on function",
        "to",
        "anon",
        "public",
        "--",
        "/*",
        "*/",
        "\n",
        " ",
        "\\set",
        "return",
        "next",
        "offset",
        "$1",
        "limit",
        "policy",
        "on",
        "using",
        "(true)",
        "alter",
        "table",
        "enable row level security",
        "é",
        "\x00",
        "-- sqlkit: ignore SK101",
    ]
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(SQL_PIECES, max_size=60).map(" ".join))
def test_sql_like_text(text: str) -> None:
    lint_text(text)


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    lint_text(text)


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    lint_text(data)


def test_nasty_inputs() -> None:
    cases = [
        "",
        "\n\n\n",
        "create function f() returns int language plpgsql as $$ begin",
        "select 'unterminated",
        'select "unterminated',
        "/* unterminated comment",
        "create function f() returns int begin atomic select 1;",
        "create function f() returns void language plpgsql as $$ begin raise notice '%'; end $$;",
        "create function f() returns int language plpgsql as $$ begin return next 1; end $$;",
        "create function f() returns int language sql as $$ selec 1 $$;",
        "create function f() returns int language c as 'lib', 'sym';",
        "select 1;" * 20000,
        "\x00\x01\x02 select",
    ]
    for text in cases:
        lint_text(text)
    lint_text(bytes(range(256)) * 10)


@FAST
@given(st.one_of(st.text(max_size=300), st.lists(SQL_PIECES, max_size=60).map(" ".join)))
def test_diff_normalisation_never_raises(text: str) -> None:
    from sqlkit.live.normalise import canonical_body, canonical_expression

    for language in ("sql", "plpgsql", "c"):
        assert isinstance(canonical_body(language, text, None), str)
    assert isinstance(canonical_body("sql", "", text), str)
    assert isinstance(canonical_expression(text), str)
