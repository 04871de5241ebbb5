"""Each fix of `sqlkit lint --fix`, in a real Postgres with the Supabase shim: the fixed SQL
applies, the rule no longer reports it, and (for safe fixes) the function returns what it
returned before; the harm the rule names is gone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from sqlkit import api
from sqlkit.config import Settings
from sqlkit.testing import SqlkitServer, authenticate_as

SUPABASE = Settings(target="supabase")
ALICE = "00000000-0000-0000-0000-0000000000a1"

ITEMS = """create table public.fx_items (id int primary key, price int not null);
alter table public.fx_items enable row level security;
insert into public.fx_items values (1, 10), (2, 5);
create function public.fx_double(x int) returns int language sql immutable
set search_path = '' as $$ select x * 2 $$;
"""

# code -> (SQL with the defect, a query whose answer the fix must keep, unsafe)
CASES: dict[str, tuple[str, str, bool]] = {
    "SK101": (
        ITEMS
        + """-- security definer: totals prices for the report
create function public.fx_total() returns bigint language sql security definer
as $$ select sum(price) from fx_items $$;
-- security definer: the doubled price of an item
create function public.fx_calc(p int) returns int
language plpgsql security definer
as $$
declare r fx_items%rowtype;  -- the row
begin
  select * into r from fx_items where id = p;
  return fx_double(r.price) + length(lower('ab'));
end $$;
""",
        "select public.fx_total(), public.fx_calc(1)",
        False,
    ),
    "SK102": (
        ITEMS
        + """-- security definer: totals prices for the report
create function public.fx_total() returns bigint language sql security definer
set search_path = public, extensions as $$ select sum(fx_double(price)) from fx_items $$;
""",
        "select public.fx_total()",
        False,
    ),
    "SK104": (
        ITEMS
        + """-- security definer: totals prices for the report
create function public.fx_total() returns bigint language sql stable security definer
set search_path = '' as $$ select sum(price) from public.fx_items $$;
""",
        "select public.fx_total(), has_function_privilege('anon', 'public.fx_total()', 'execute')",
        False,
    ),
    "SK105": (
        ITEMS
        + """create function public.fx_total() returns bigint language sql stable
set search_path = '' as $$ select sum(price) from public.fx_items $$;
revoke execute on function public.fx_total() from anon;
""",
        "select public.fx_total(), has_function_privilege('anon', 'public.fx_total()', 'execute')",
        False,
    ),
    "SK109": (
        ITEMS
        + """create function public.fx_total() returns bigint language sql
set search_path = '' as $$ select sum(price) from public.fx_items $$;
CREATE FUNCTION public.fx_first() RETURNS int LANGUAGE plpgsql VOLATILE
SET search_path = '' AS $$ BEGIN RETURN (SELECT min(id) FROM public.fx_items); END $$;
""",
        "select public.fx_total(), public.fx_first()",
        False,
    ),
    "SK115": (
        """create table public.fx_notes (id int primary key, owner_id uuid);
insert into public.fx_notes values (1, '00000000-0000-0000-0000-0000000000a1');
create function public.fx_owner_of(p_id int) returns uuid language plpgsql stable
set search_path = '' as $$
declare v_owner uuid;
begin
  select n.owner_id into v_owner from public.fx_notes n where n.id = p_id;
  if (auth.uid() <> v_owner) or (v_owner <> auth.uid()) then
    raise exception 'not yours' using errcode = '42501';
  end if;
  return v_owner;
end $$;
""",
        "select public.fx_owner_of(1)",
        False,
    ),
    "SK204": (
        """create table public.fx_notes (id int primary key, owner_id uuid);
alter table public.fx_notes enable row level security;
grant select on public.fx_notes to authenticated;
insert into public.fx_notes values (1, '00000000-0000-0000-0000-0000000000a1'), (2, null);
create policy "own notes" on public.fx_notes for select to authenticated
using (owner_id = auth.uid() and coalesce(auth.jwt() ->> 'role', '') <> 'x');
""",
        "select count(*) from public.fx_notes",
        False,
    ),
    "SK201": (
        """create table public.fx_open (id int primary key);  -- left open
insert into public.fx_open values (1);
""",
        "select relrowsecurity from pg_class where oid = 'public.fx_open'::regclass",
        True,
    ),
}


def _fix(tmp_path: Path, sql: str, code: str, unsafe: bool) -> str:
    target = tmp_path / "001_case.sql"
    target.write_text(sql)
    before = api.lint([str(target)], settings=SUPABASE, select=[code], cache=False)
    assert code in {f.code for f in before.findings}
    done = api.fix([str(target)], settings=SUPABASE, select=[code], unsafe=unsafe, cache=False)
    assert done.written and not done.refused, done.summary(verbose=True)
    assert code not in {f.code for f in done.result.findings}
    return target.read_text()


def _answer(conn: psycopg.Connection, sql: str, query: str) -> tuple[Any, ...]:
    with conn.transaction(force_rollback=True):
        conn.execute(sql.encode())
        authenticate_as(conn, {"role": "authenticated", "sub": ALICE})
        row = conn.execute(query).fetchone()
        assert row is not None
        return tuple(row)


@pytest.fixture(scope="module")
def conn(sqlkit_server: SqlkitServer) -> Any:
    """One clone of the session's template for the module; each case rolls back."""
    name = sqlkit_server.clone()
    try:
        with sqlkit_server.connect(name) as connection:
            yield connection
    finally:
        sqlkit_server.drop(name)


@pytest.mark.parametrize("code", sorted(CASES))
def test_fixed_sql_applies_and_answers_as_before(
    code: str, conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sql, query, unsafe = CASES[code]
    fixed = _fix(tmp_path, sql, code, unsafe)
    assert fixed != sql
    before, after = _answer(conn, sql, query), _answer(conn, fixed, query)
    if code in ("SK104", "SK105"):  # same total; anon no longer may call it
        assert before[0] == after[0] and before[1] is True and after[1] is False
    elif code == "SK201":  # unsafe: it changes who reads the table
        assert before == (False,) and after == (True,)
    else:
        assert before == after


def test_sk101_fix_qualifies_what_the_body_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fixed = _fix(tmp_path, CASES["SK101"][0], "SK101", False)
    assert "declare r public.fx_items%rowtype;  -- the row" in fixed
    assert "return public.fx_double(r.price) + length(lower('ab'));" in fixed
    assert "security definer\nset search_path = ''\nas $$" in fixed


def test_sk115_fix_denies_a_caller_without_identity(
    conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sql = CASES["SK115"][0]
    fixed = _fix(tmp_path, sql, "SK115", False)
    assert "(auth.uid() is distinct from v_owner) or (v_owner is distinct from auth.uid())" in fixed
    for text, denied in ((sql, False), (fixed, True)):
        with conn.transaction(force_rollback=True):
            conn.execute(text.encode())
            authenticate_as(conn, {"role": "anon"})
            try:
                with conn.transaction():
                    conn.execute("select public.fx_owner_of(1)")
                outcome = False
            except psycopg.errors.InsufficientPrivilege:
                outcome = True
            assert outcome is denied


def test_a_function_that_calls_a_procedure_cannot_be_stable(conn: psycopg.Connection) -> None:
    """Why SK109 neither reports nor fixes a function with a CALL: PostgreSQL refuses CALL in
    a non-volatile function when it runs."""
    with conn.transaction(force_rollback=True):
        conn.execute(
            "create procedure public.fx_p() language sql as $$ select 1 $$;"
            "create function public.fx_c() returns void language plpgsql stable"
            " set search_path = '' as $$ begin call public.fx_p(); end $$;"
        )
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="non-volatile"):
            conn.execute("select public.fx_c()")


def test_a_temp_table_the_body_creates_needs_no_schema(conn: psycopg.Connection) -> None:
    """Why SK106/SK107 leave a temp table the body creates alone: pg_temp is searched before
    the search_path, even an empty one."""
    with conn.transaction(force_rollback=True):
        conn.execute(
            "create function public.fx_tmp() returns bigint language plpgsql set search_path = ''"
            " as $$ begin create temp table fx_ids (id int) on commit drop;"
            " insert into fx_ids values (1), (2); return (select count(*) from fx_ids); end $$;"
        )
        assert conn.execute("select public.fx_tmp()").fetchone() == (2,)
