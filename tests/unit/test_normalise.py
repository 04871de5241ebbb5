"""Canonical SQL: layout, comments and case do not count; meaning does."""

from __future__ import annotations

from sqlkit.live.normalise import (
    canonical_atomic,
    canonical_body,
    canonical_expression,
    canonical_sql,
    canonical_tokens,
)

PLPGSQL = """
declare v int;
begin
  select count(*) into v from public.t where id = p_id;
  return v;
end
"""


def test_plpgsql_layout_comments_and_case_do_not_count() -> None:
    relaid = """
    DECLARE v INT;  -- the count
    BEGIN
      /* one query */ SELECT COUNT(*) INTO v
        FROM public."t" WHERE "id" = p_id;
      RETURN v;
    END"""
    assert canonical_tokens(PLPGSQL) == canonical_tokens(relaid)


def test_plpgsql_changes_that_mean_something_count() -> None:
    assert canonical_tokens(PLPGSQL) != canonical_tokens(PLPGSQL.replace("id = p_id", "id <> p_id"))
    assert canonical_tokens(PLPGSQL) != canonical_tokens(PLPGSQL.replace("public.t", 'public."T"'))
    # string contents are kept verbatim, case included
    assert canonical_tokens("select 'A'") != canonical_tokens("select 'a'")


def test_sql_compares_as_a_parse_tree() -> None:
    assert canonical_sql("select a from t where b = 1") == canonical_sql(
        "SELECT a\n  FROM t -- note\n WHERE (b = 1)"
    )
    assert canonical_sql("select a from t") != canonical_sql("select a from u")
    assert canonical_sql("select 1; select 2") != canonical_sql("select 1")
    # text that does not parse still compares, by tokens
    assert canonical_sql("select from where (").startswith("tokens:")


def test_expressions_and_bodies() -> None:
    assert canonical_expression("(a = 1)") == canonical_expression("a = 1")
    assert canonical_expression(None) == ""
    assert canonical_body("sql", "select 1 -- one", None) == canonical_body("sql", "SELECT 1", None)
    assert canonical_body("plpgsql", "begin return 1; end", None) == canonical_body(
        "plpgsql", "BEGIN\n  RETURN 1;\nEND", None
    )
    atomic = "BEGIN ATOMIC\n SELECT 1;\nEND"
    assert canonical_body("sql", "", atomic) == canonical_atomic("begin atomic select 1; end")


def test_quoted_identifier_locations_are_not_in_the_tree() -> None:
    # a key named like a location inside a string literal survives
    assert canonical_sql("""select '"location":5' """) != canonical_sql("select ''")
