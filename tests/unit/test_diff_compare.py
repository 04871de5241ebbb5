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


def test_a_type_change_loses_data_unless_it_widens() -> None:
    from sqlkit.live.compare import widens

    assert widens("integer", "bigint") and widens("smallint", "numeric")
    assert widens("character varying(20)", "character varying(40)")
    assert widens("character varying(20)", "text") and widens("numeric(8,2)", "numeric(10,3)")
    assert widens("numeric(8,2)", "numeric") and widens("text[]", "text[]")
    assert not widens("bigint", "integer") and not widens("text", "integer")
    assert not widens("character varying(40)", "character varying(20)")
    assert not widens("numeric(10,2)", "numeric(10,3)")  # one digit fewer before the point
    assert not widens("integer", "numeric(5,0)") and not widens("integer[]", "bigint")


def test_enum_values_are_added_in_their_place() -> None:
    from sqlkit.live.ddl import enum_additions

    assert enum_additions(("ok", "happy"), ("sad", "ok", "meh", "happy", "elated"), "t") == [
        "alter type t add value if not exists 'sad' before 'ok';",
        "alter type t add value if not exists 'meh' after 'ok';",
        "alter type t add value if not exists 'elated' after 'happy';",
    ]


def test_topological_order_puts_dependencies_first_and_breaks_cycles() -> None:
    from sqlkit.live.order import topological

    after = {"view": {"table", "function"}, "function": {"table"}, "a": {"b"}, "b": {"a"}}
    order, broken = topological(["view", "function", "table", "a", "b"], after, str)
    assert order.index("table") < order.index("function") < order.index("view")
    assert broken == ["a"] and order.index("a") < order.index("b")
