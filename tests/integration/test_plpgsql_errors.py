"""SK000 on a PL/pgSQL body: what the PL/pgSQL parser rejects from the text alone is refused by
PostgreSQL at CREATE FUNCTION too; what it rejects for want of a catalog is not an error."""

from __future__ import annotations

import psycopg
import pytest

from sqlkit.engines.base import Server
from tests.conftest import lint_text

_FN = "create function public.{name}() returns int language plpgsql as $$\n{body}\n$$;"
REFUSED = {
    "typo": "begin\n  retrun 1;\nend",
    "exit_outside_loop": "begin\n  exit;\n  return 1;\nend",
    "unknown_label": "begin\n  loop\n    continue nolabel;\n  end loop;\nend",
    "end_label": "begin\n  return 1;\nend outer_label",
    "cursor_arguments": (
        "declare c cursor (a int) for select a;\nbegin\n  open c(1, 2);\n  return 1;\nend"
    ),
}
ACCEPTED = [  # the parser without a catalog takes an unknown type for `record`
    "create domain public.small as int;\n"
    "create function public.first_small(x public.small[]) returns int language plpgsql as $$\n"
    "begin return x[1]; end $$;",
    "create procedure public.total(a out int, variadic b int[]) language plpgsql as $$\n"
    "begin a := b[1]; end $$;",
]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_body_postgresql_refuses_is_sk000(name: str, empty_db: tuple[Server, str]) -> None:
    sql = _FN.format(name=name, body=REFUSED[name])
    errors = [f for f in lint_text(sql, select=["SK000"]).findings if f.code == "SK000"]
    assert len(errors) == 1 and "PL/pgSQL" in errors[0].message
    server, db = empty_db
    with server.connect(db) as conn, pytest.raises(psycopg.errors.SyntaxError):
        conn.execute(sql.encode())


@pytest.mark.parametrize("sql", ACCEPTED)
def test_a_body_the_parser_cannot_type_is_no_error(sql: str, empty_db: tuple[Server, str]) -> None:
    assert not lint_text(sql, select=["SK000"]).findings
    server, db = empty_db
    with server.connect(db) as conn:
        conn.execute(sql.encode())
