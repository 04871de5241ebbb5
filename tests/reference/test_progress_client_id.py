"""The migration that puts client_id on student_module_progress is safe on a live table.

Steps 2 and 3 (20250201000200/300) run again here on a clone where older rows have no client_id,
as they would on a deployed database: the backfill commits batch by batch (never one long
transaction holding every row lock), and NOT NULL comes from a validated CHECK.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from sqlkit.migrate.script import run_script
from sqlkit.sql.source import Source
from sqlkit.testing import SqlkitServer

ROOT = Path(__file__).resolve().parent.parent.parent
BACKFILL = ROOT / "migrations" / "20250201000200_progress_client_id_backfill.sql"
NOT_NULL = ROOT / "migrations" / "20250201000300_progress_client_id_not_null.sql"
CLIENT_A = "00000000-0000-0000-0000-00000000c11a"


def run_file(conn: psycopg.Connection, path: Path) -> None:
    text = path.read_text()
    assert text.startswith("-- sqlkit: no-transaction\n"), (
        f"{path.name} must run outside a transaction"
    )
    run_script(conn, Source(path=path.name, text=text))


def test_backfill_commits_in_batches_and_not_null_needs_no_long_lock(
    sqlkit_server: SqlkitServer, sqlkit_db: psycopg.Connection
) -> None:
    db = sqlkit_db
    # the state before step 2 on a live database: 12,000 rows written before the column existed
    db.execute("alter table public.student_module_progress alter column client_id drop not null")
    db.execute("drop index public.student_module_progress_client_recent_idx")
    db.execute("insert into auth.users (id) select gen_random_uuid() from generate_series(1, 3000)")
    db.execute(
        "insert into public.students (id, client_id, full_name) "
        "select u.id, %s, 'Old' from auth.users u where u.email is null",
        (CLIENT_A,),
    )
    db.execute(
        "insert into public.student_module_progress (student_id, module_id) "
        "select s.id, m.id from public.students s cross join public.modules m where s.full_name = 'Old'"
    )
    db.execute(
        "alter table public.student_module_progress disable trigger student_module_progress_client_id"
    )
    db.execute("update public.student_module_progress set client_id = null")
    db.execute(
        "alter table public.student_module_progress enable trigger student_module_progress_client_id"
    )
    db.commit()
    rows = db.execute("select count(*) from public.student_module_progress").fetchone()[0]
    assert rows == 12005
    db.commit()  # an open transaction would hold the lock that lock_timeout refuses to wait for

    with sqlkit_server.connect(db.info.dbname, autocommit=True) as migrator:
        run_file(migrator, BACKFILL)
        # every row filled, by one transaction per batch of 5,000 (a single UPDATE would be one)
        filled = migrator.execute(
            "select count(*) filter (where client_id is null), count(distinct xmin::text) "
            "from public.student_module_progress"
        ).fetchone()
        assert filled[0] == 0
        assert filled[1] >= 3, f"the backfill ran in {filled[1]} transaction(s), not in batches"
        valid = migrator.execute(
            "select i.indisvalid from pg_index i "
            "where i.indexrelid = 'public.student_module_progress_client_recent_idx'::regclass"
        ).fetchone()
        assert valid == (True,)

        run_file(migrator, NOT_NULL)
        state = migrator.execute(
            "select a.attnotnull, "
            "(select count(*) from pg_constraint c where c.conrelid = a.attrelid and c.contype = 'c' "
            " and c.conname = 'student_module_progress_client_id_present'), "
            "(select c.convalidated from pg_constraint c "
            " where c.conname = 'student_module_progress_client_id_fkey') "
            "from pg_attribute a where a.attrelid = 'public.student_module_progress'::regclass "
            "and a.attname = 'client_id'"
        ).fetchone()
        assert state == (True, 0, True)
        # running the backfill again finds nothing to do
        run_file(migrator, BACKFILL)
