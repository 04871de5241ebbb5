"""`sqlkit lint --fix --unsafe-fixes` on a folder of real-world-style Supabase migrations
(tests/data/fix_migrations, written for this test): the fixed findings are gone, the files
apply cleanly to a new Supabase project (the shim), and what they do still works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sqlkit import api
from sqlkit.config import Settings
from sqlkit.testing import SqlkitServer

FOLDER = Path(__file__).parent.parent / "data" / "fix_migrations"
SUPABASE = Settings(target="supabase")
FIXABLE = {"SK101", "SK102", "SK104", "SK105", "SK107", "SK109", "SK115", "SK201", "SK204"}
USER = "00000000-0000-0000-0000-0000000000c1"


def test_fixed_migrations_apply_and_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlkit_server: SqlkitServer, shim_db: str
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FOLDER, tmp_path / "migrations")
    before = api.lint(["migrations"], settings=SUPABASE, cache=False)
    found = {f.code for f in before.findings}
    assert found >= FIXABLE

    done = api.fix(["migrations"], settings=SUPABASE, unsafe=True, cache=False)

    assert not done.refused, done.summary(verbose=True)
    assert len(done.fixed) == 15 and len(done.after) == 3
    assert not FIXABLE & {f.code for f in done.result.findings}
    again = api.lint(["migrations"], settings=SUPABASE, cache=False)
    assert again.findings == done.result.findings
    with sqlkit_server.connect(shim_db) as conn, conn.transaction(force_rollback=True):
        for path in sorted((tmp_path / "migrations").glob("*.sql")):
            conn.execute(path.read_bytes())
        # the sign-up trigger still makes a profile, the team functions still answer
        conn.execute(
            'insert into auth.users (id, raw_user_meta_data) values (%s, \'{"username": "c"}\')',
            (USER,),
        )
        row = conn.execute("select username from public.profiles where id = %s", (USER,))
        assert row.fetchone() == ("c",)
        conn.execute(
            "insert into public.teams (id, name, owner_id) values (%s, 't', %s)", (USER, USER)
        )
        conn.execute("insert into public.team_members values (%s, %s)", (USER, USER))
        assert conn.execute("select public.team_size(%s)", (USER,)).fetchone() == (1,)
        claims = json.dumps({"role": "authenticated", "sub": USER})
        conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
        conn.execute("set local role authenticated")
        assert conn.execute("select count(*) from public.teams").fetchone() == (1,)
        conn.execute("select public.remove_member(%s, %s)", (USER, USER))
        assert conn.execute("select public.is_member(%s)", (USER,)).fetchone() == (False,)
