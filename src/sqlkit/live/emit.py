"""The SQL that brings a database to git's state: `sqlkit diff --emit-sql`, and `pull`'s files."""

from __future__ import annotations

from sqlkit.live.compare import ACCESS_FACTS, Difference, DiffResult
from sqlkit.live.introspect import sql_literal
from sqlkit.live.snapshot import DEPLOYER, DbObject, Snapshot

_ENABLE_TRIGGER = {"O": "enable", "D": "disable", "R": "enable replica", "A": "enable always"}


def _routine_word(obj: DbObject) -> str:
    return "procedure" if obj.kind == "procedure" else "function"


def _owner_sql(obj: DbObject, word: str, ident: str) -> list[str]:
    target = "current_user" if obj.facts.get("owner") == DEPLOYER else obj.owner
    return [f"alter {word} {ident} owner to {target};"]


def _comment_sql(obj: DbObject, word: str) -> str:
    value = sql_literal(obj.comment) if obj.comment else "null"
    return f"comment on {word} {obj.ident} is {value};"


def routine_acl_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Reset EXECUTE to exactly the object's grantees (for a new or recreated routine)."""
    word = _routine_word(obj)
    roles = ["public", *sorted(set(revoke_from) - {obj.owner, "public"})]
    out = [f"revoke all on {word} {obj.ident} from {', '.join(roles)};"]
    if obj.grantees:
        out.append(f"grant execute on {word} {obj.ident} to {', '.join(sorted(obj.grantees))};")
    return out


def relation_acl_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Reset a table's or view's privileges to exactly the object's."""
    others = set(revoke_from) | set(obj.privileges)
    roles = ["public", *sorted(others - {obj.owner, "public"})]
    out = [f"revoke all on table {obj.ident} from {', '.join(roles)};"]
    for role, privileges in sorted(obj.privileges.items()):
        out.append(f"grant {', '.join(sorted(privileges))} on table {obj.ident} to {role};")
    return out


def relation_grant_changes(want: DbObject, have: DbObject) -> list[str]:
    """GRANT and REVOKE of exactly the privileges that differ, role by role."""
    out: list[str] = []
    for role in sorted(set(want.privileges) | set(have.privileges)):
        wanted = want.privileges.get(role, frozenset())
        held = have.privileges.get(role, frozenset())
        if held - wanted:
            out.append(
                f"revoke {', '.join(sorted(held - wanted))} on table {want.ident} from {role};"
            )
        if wanted - held:
            out.append(f"grant {', '.join(sorted(wanted - held))} on table {want.ident} to {role};")
    return out


def definition_sql(obj: DbObject, actual: Snapshot) -> list[str]:
    """The statements that create `obj` where it does not exist yet, with owner, grants, comment."""
    if obj.kind == "table":  # the table itself comes from a migration: its access rules
        rls = "enable" if obj.extra["rls"] else "disable"
        force = "force" if obj.extra["forced"] else "no force"
        return [
            f"alter table {obj.ident} {rls} row level security;",
            f"alter table {obj.ident} {force} row level security;",
            *relation_acl_sql(obj, actual.relation_grantees),
        ]
    if obj.kind == "trigger":
        out = [obj.text.rstrip()]
        if obj.extra["enabled"] != "O":
            verb = _ENABLE_TRIGGER[obj.extra["enabled"]]
            out.append(f"alter table {obj.table} {verb} trigger {obj.local_name};")
        return out
    if obj.kind == "policy":
        return [obj.text.rstrip()]
    word = _routine_word(obj) if obj.kind != "view" else _view_word(obj)
    out = [obj.text.rstrip()]
    if obj.facts.get("owner") != DEPLOYER:
        out += _owner_sql(obj, word, obj.ident)
    if obj.kind == "view":
        out += relation_acl_sql(obj, actual.relation_grantees)
    else:
        out += routine_acl_sql(obj, actual.function_grantees)
    if obj.comment:
        out.append(_comment_sql(obj, word))
    return out


def _view_word(obj: DbObject) -> str:
    return "materialized view" if obj.extra["materialized"] else "view"


def drop_sql(obj: DbObject) -> str:
    """The statement that removes `obj` (never a table: sqlkit does not drop data)."""
    if obj.kind in ("function", "procedure"):
        return f"drop {_routine_word(obj)} {obj.ident};"
    if obj.kind == "view":
        return f"drop {_view_word(obj)} {obj.ident};"
    return f"drop {obj.kind} {obj.ident};"  # trigger, policy: "name on table"


def _changed_routine(
    want: DbObject, have: DbObject, facts: set[str], actual: Snapshot
) -> list[str]:
    if facts & {"returns", "arguments"}:
        # CREATE OR REPLACE cannot change a result type or parameter names: recreate
        return [drop_sql(have), *definition_sql(want, actual)]
    word = _routine_word(want)
    out: list[str] = []
    if facts - ACCESS_FACTS:
        # CREATE OR REPLACE resets every property but owner and grants
        out.append(want.text.rstrip())
    if "owner" in facts:
        out += _owner_sql(want, word, want.ident)
    if "execute" in facts:
        for role in sorted(have.grantees - want.grantees):
            out.append(f"revoke execute on {word} {want.ident} from {role};")
        if want.grantees - have.grantees:
            roles = ", ".join(sorted(want.grantees - have.grantees))
            out.append(f"grant execute on {word} {want.ident} to {roles};")
    if "comment" in facts:
        out.append(_comment_sql(want, word))
    return out


def _changed_view(want: DbObject, have: DbObject, facts: set[str], actual: Snapshot) -> list[str]:
    out: list[str] = []
    if facts - ACCESS_FACTS:
        if want.extra["materialized"] or have.extra["materialized"]:
            # a materialized view has no CREATE OR REPLACE: recreate it (and its data)
            return [drop_sql(have), *definition_sql(want, actual)]
        out.append(want.text.rstrip())  # CREATE OR REPLACE VIEW also replaces its options
    if "owner" in facts:
        out += _owner_sql(want, "view", want.ident)
    if "privileges" in facts:
        out += relation_grant_changes(want, have)
    if "comment" in facts:
        out.append(_comment_sql(want, "view"))
    return out


def _changed_table(want: DbObject, have: DbObject, facts: set[str], actual: Snapshot) -> list[str]:
    out: list[str] = []
    if "row level security" in facts:
        verb = "enable" if want.extra["rls"] else "disable"
        out.append(f"alter table {want.ident} {verb} row level security;")
    if "force row level security" in facts:
        verb = "force" if want.extra["forced"] else "no force"
        out.append(f"alter table {want.ident} {verb} row level security;")
    if "privileges" in facts:
        out += relation_grant_changes(want, have)
    return out


def _changed_trigger(
    want: DbObject, have: DbObject, facts: set[str], actual: Snapshot
) -> list[str]:
    if "definition" in facts:
        return [drop_sql(have), *definition_sql(want, actual)]
    verb = _ENABLE_TRIGGER[want.extra["enabled"]]
    return [f"alter table {want.table} {verb} trigger {want.local_name};"]


def _changed_policy(want: DbObject, have: DbObject, facts: set[str], actual: Snapshot) -> list[str]:
    return [drop_sql(have), *definition_sql(want, actual)]  # in one transaction: never unprotected


_CHANGED = {
    "function": _changed_routine,
    "procedure": _changed_routine,
    "view": _changed_view,
    "table": _changed_table,
    "trigger": _changed_trigger,
    "policy": _changed_policy,
}
# drops run first, dependents before what they use
_DROP_ORDER = ("policy", "trigger", "view", "procedure", "function")


def _statements(d: Difference, actual: Snapshot, allow_drop: bool) -> list[str]:
    if d.status == "missing":
        assert d.expected is not None
        if d.kind == "table":
            return [f"-- table {d.name} is missing: it comes from a migration (run `sqlkit apply`)"]
        return definition_sql(d.expected, actual)
    if d.status == "extra":
        assert d.actual is not None
        if d.kind == "table":
            return [f"-- table {d.name} is not in git: sqlkit never drops tables"]
        statement = drop_sql(d.actual)
        return [statement] if allow_drop else [f"-- not dropped without --allow-drop: {statement}"]
    assert d.expected is not None and d.actual is not None
    return _CHANGED[d.kind](d.expected, d.actual, {c.fact for c in d.changes}, actual)


def emit_sql(result: DiffResult, actual: Snapshot, *, allow_drop: bool = False) -> str:
    """One transaction: drops first, then routines, views, tables, triggers, policies."""
    drops: dict[str, list[str]] = {}
    by_kind: dict[str, list[str]] = {}
    for d in result.differences:
        lines = _statements(d, actual, allow_drop)
        if d.status == "extra" and d.kind != "table":
            drops.setdefault(d.kind, []).extend(lines)
        else:
            by_kind.setdefault(d.kind, []).extend(lines)
    body: list[str] = []
    if drops:
        body.append("-- objects in the database that git does not have")
        body += [line for kind in _DROP_ORDER for line in drops.get(kind, [])]
        body.append("")
    for kind in ("function", "procedure", "view", "table", "trigger", "policy"):
        if by_kind.get(kind):
            body += [f"-- {kind}s", *by_kind[kind], ""]
    header = [
        "-- generated by `sqlkit diff --emit-sql`: brings the database to the state in git",
        "begin;",
        "set local check_function_bodies = off;",
        "",
    ]
    return "\n".join([*header, *body, "commit;", ""])
