"""Comparing snapshots: pure logic, on hand-built objects."""

from __future__ import annotations

from sqlkit.live.compare import compare
from sqlkit.live.emit import emit_sql
from sqlkit.live.snapshot import DbObject, Snapshot, privileges_text

ALL_17 = frozenset({"select", "insert", "update", "delete", "truncate", "references", "trigger"})


def _table(privileges: dict[str, frozenset[str]]) -> DbObject:
    return DbObject(
        "table",
        "public.t",
        "public",
        {
            "row level security": "enabled",
            "force row level security": "not forced",
            "privileges": privileges_text(privileges),
        },
        ident="public.t",
        owner="postgres",
        privileges=privileges,
        extra={"rls": True, "forced": False},
    )


def _snapshot(obj: DbObject, version: int) -> Snapshot:
    return Snapshot({("table", obj.name): obj}, "postgres", frozenset(), version)


def test_a_privilege_the_older_server_lacks_is_not_drift() -> None:
    git = _snapshot(_table({"anon": ALL_17 | {"maintain"}}), 180006)  # PostgreSQL 17+ has MAINTAIN
    database = _snapshot(_table({"anon": ALL_17}), 150018)
    assert compare(git, database).differences == []


def test_the_same_privilege_between_servers_that_both_have_it_is_drift() -> None:
    git = _snapshot(_table({"anon": ALL_17 | {"maintain"}}), 180006)
    database = _snapshot(_table({"anon": ALL_17}), 170002)
    [difference] = compare(git, database).differences
    assert [c.fact for c in difference.changes] == ["privileges"]
    assert "grant maintain on table public.t to anon;" in emit_sql(compare(git, database), database)


def test_privilege_changes_are_granted_and_revoked_role_by_role() -> None:
    git = _snapshot(_table({"authenticated": frozenset({"select"})}), 180006)
    database = _snapshot(_table({"anon": frozenset({"select"}), "authenticated": ALL_17}), 180006)
    sql = emit_sql(compare(git, database), database)
    assert "revoke select on table public.t from anon;" in sql
    assert (
        "revoke delete, insert, references, trigger, truncate, update on table public.t "
        "from authenticated;" in sql
    )
    assert "grant" not in sql.replace("-- ", "")


def test_pulled_file_names_never_collide() -> None:
    from sqlkit.live.pull import plan_pull

    views = {
        ("view", name): DbObject(
            "view",
            name,
            "public",
            {},
            text=f"create or replace view {name} as select 1;\n",
            ident=name,
            owner="postgres",
            extra={"materialized": False},
        )
        for name in ('public."a b"', "public.a_b")
    }
    snapshot = Snapshot(views, "postgres", frozenset(), 180006)
    paths = sorted(str(p) for p in plan_pull(snapshot, with_baseline=False).repeatables)
    assert paths == ["01_views/public.a_b--2.sql", "01_views/public.a_b.sql"]
