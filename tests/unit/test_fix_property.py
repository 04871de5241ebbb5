"""Property: a random compliant migration (a table, a policy, SQL and PL/pgSQL functions in
random keyword case, layout and comments) with one injected defect gets exactly that finding;
`--fix` removes exactly it, leaves everything else as it was, and the result parses."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser

from sqlkit import api
from sqlkit.config import Settings

SUPABASE = Settings(target="supabase")
DEFECTS = ("SK101", "SK102", "SK109", "SK115", "SK204")


@st.composite
def migrations(draw: st.DrawFn) -> tuple[str, str]:
    defect = draw(st.sampled_from(DEFECTS))
    upper = draw(st.booleans())
    name = draw(st.sampled_from(["score", "total_of", "owner_check", "f"]))
    plpgsql = defect == "SK115" or draw(st.booleans())
    sep = draw(st.sampled_from([" ", "\n", "\n  "]))
    comment = draw(st.sampled_from(["", " -- the one rule", " /* note */"]))

    def k(words: str) -> str:
        return words.upper() if upper else words

    path = (
        ""
        if defect == "SK101"
        else k(" set search_path = ") + ("public" if defect == "SK102" else "''")
    )
    volatility = "" if defect == "SK109" else " " + k("stable")
    using = "auth.uid()" if defect == "SK204" else "(select auth.uid())"
    compare = "<>" if defect == "SK115" else k("is distinct from")
    if plpgsql:
        body = (
            f"\n{k('declare')} v_owner uuid;{comment}\n{k('begin')}\n"
            f"  {k('select')} owner_id {k('into')} v_owner {k('from')} public.px "
            f"{k('where')} id = p;\n"
            f"  {k('if')} (select auth.uid()) {compare} v_owner {k('then')} "
            f"{k('raise exception')} 'no'; {k('end if')};\n"
            f"  {k('return')} 1;\n{k('end')} "
        )
        language = "plpgsql"
    else:
        body = f" {k('select')} v {k('from')} public.px {k('where')} id = p "
        language = "sql"
    sql = (
        f"{k('create table')} public.px (id int {k('primary key')}, owner_id uuid, v int);\n"
        f"{k('alter table')} public.px {k('enable row level security')};{comment}\n"
        f'{k("create policy")} "px read" {k("on")} public.px {k("for select to")} authenticated'
        f"{sep}{k('using')} (owner_id = {using});\n"
        f"{k('create function')} public.{name}(p int) {k('returns')} int{sep}"
        f"{k('language')} {language}{volatility}{path}{sep}{k('as')} $${body}$$;{comment}\n"
    )
    return defect, sql


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(migrations())
def test_fix_removes_exactly_the_injected_finding(case: tuple[str, str]) -> None:
    defect, sql = case
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "001_case.sql"
        target.write_text(sql)
        before = api.lint([str(target)], settings=SUPABASE, cache=False, isolated=True)
        assert [f.code for f in before.findings] == [defect], sql
        done = api.fix([str(target)], settings=SUPABASE, cache=False, isolated=True)
        fixed = target.read_text()
    assert [f.code for f in done.fixed] == [defect], sql
    assert done.result.findings == [], fixed
    parser.parse_sql(fixed)  # raises if it does not parse
    # only the defect changed: every line the fix did not touch is there as it was
    untouched = [line for line in sql.splitlines() if line in fixed.splitlines()]
    assert len(untouched) >= len(sql.splitlines()) - 2, fixed
