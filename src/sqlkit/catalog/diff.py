"""Compare two snapshots (what git describes, what is deployed) and write SQL that closes the gap."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlkit.catalog.snapshot import DEPLOYER, KINDS, DbObject, Snapshot

# facts whose change is visible in the definition text, so a unified diff is worth showing
_ACCESS_FACTS = {"owner", "execute", "comment", "enabled"}
_ENABLE_TRIGGER = {"O": "enable", "D": "disable", "R": "enable replica", "A": "enable always"}


@dataclass(frozen=True)
class Change:
    """One fact of an object that differs: what git says, what the database has."""

    fact: str
    expected: str
    actual: str


@dataclass
class Difference:
    kind: str
    name: str
    status: str  # "missing" (in git, not in the database) | "extra" | "changed"
    changes: list[Change] = field(default_factory=list)
    diff: str = ""  # unified diff of the definitions (changed objects)
    expected: DbObject | None = None
    actual: DbObject | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "changes": [
                {
                    "fact": c.fact,
                    "expected": shown_value(c.fact, c.expected),
                    "actual": shown_value(c.fact, c.actual),
                }
                for c in self.changes
            ],
            "diff": self.diff,
        }


@dataclass
class DiffResult:
    differences: list[Difference]
    compared: dict[str, int]  # objects compared, by kind (union of both sides)
    timings: dict[str, float] = field(default_factory=dict)
    actual: Snapshot | None = None  # the database's side, for --emit-sql

    @property
    def clean(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        return {
            s: sum(1 for d in self.differences if d.status == s)
            for s in ("missing", "extra", "changed")
        }

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "differences": [d.to_json() for d in self.differences],
            "summary": {**self.counts(), "compared": self.compared},
        }


def shown_value(fact: str, value: str) -> str:
    """Canonical bodies are not for reading: the unified diff shows them instead."""
    if fact in ("body", "definition", "using", "with check"):
        return "(see diff)" if value else ""
    return value


def compare(expected: Snapshot, actual: Snapshot) -> DiffResult:
    """Every object of either side: missing, extra, or changed with the facts that differ."""
    differences: list[Difference] = []
    order = {kind: i for i, kind in enumerate(KINDS)}
    keys = sorted(set(expected.objects) | set(actual.objects), key=lambda k: (order[k[0]], k[1]))
    compared: dict[str, int] = {}
    for key in keys:
        kind, name = key
        compared[kind] = compared.get(kind, 0) + 1
        want, have = expected.objects.get(key), actual.objects.get(key)
        if have is None:
            differences.append(Difference(kind, name, "missing", expected=want))
            continue
        if want is None:
            differences.append(Difference(kind, name, "extra", actual=have))
            continue
        changes = [
            Change(fact, want.facts.get(fact, ""), have.facts.get(fact, ""))
            for fact in _facts(want, have)
            if want.facts.get(fact, "") != have.facts.get(fact, "")
        ]
        if changes:
            shown = ""
            if any(c.fact not in _ACCESS_FACTS for c in changes) and want.text != have.text:
                shown = unified(want.text, have.text, name)
            differences.append(Difference(kind, name, "changed", changes, shown, want, have))
    return DiffResult(differences, compared)


def _facts(want: DbObject, have: DbObject) -> list[str]:
    names = list(want.facts)
    names += [f for f in have.facts if f not in want.facts]
    return names


def unified(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        [line.rstrip() + "\n" for line in expected.splitlines()],
        [line.rstrip() + "\n" for line in actual.splitlines()],
        fromfile=f"git: {name}",
        tofile=f"database: {name}",
    )
    return "".join(lines)


# --- SQL that brings the database to the repository's state -------------------------------


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _routine_word(obj: DbObject) -> str:
    return "procedure" if obj.kind == "procedure" else "function"


def _owner_sql(obj: DbObject, word: str, ident: str) -> list[str]:
    target = "current_user" if obj.facts.get("owner") == DEPLOYER else obj.owner
    return [f"alter {word} {ident} owner to {target};"]


def _comment_sql(obj: DbObject, word: str) -> str:
    value = _literal(obj.comment) if obj.comment else "null"
    return f"comment on {word} {obj.ident} is {value};"


def routine_acl_sql(obj: DbObject, revoke_from: frozenset[str]) -> list[str]:
    """Reset EXECUTE to exactly the object's grantees (for a new or recreated routine)."""
    word = _routine_word(obj)
    roles = ["public", *sorted(set(revoke_from) - {obj.owner, "public"})]
    out = [f"revoke all on {word} {obj.ident} from {', '.join(roles)};"]
    if obj.grantees:
        out.append(f"grant execute on {word} {obj.ident} to {', '.join(sorted(obj.grantees))};")
    return out


def definition_sql(obj: DbObject, actual: Snapshot) -> list[str]:
    """The statements that create `obj` where it does not exist yet, with owner, grants, comment."""
    if obj.kind == "table":
        out = [f"alter table {obj.ident} enable row level security;"] if obj.extra["rls"] else []
        if obj.extra["forced"]:
            out.append(f"alter table {obj.ident} force row level security;")
        return out
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
    if obj.kind != "view":
        out += routine_acl_sql(obj, actual.function_grantees)
    if obj.comment:
        out.append(_comment_sql(obj, word))
    return out


def _view_word(obj: DbObject) -> str:
    return "materialized view" if obj.extra["materialized"] else "view"


def _routine(d: Difference, actual: Snapshot, allow_drop: bool) -> list[str]:
    word = "procedure" if d.kind == "procedure" else "function"
    if d.status == "missing":
        assert d.expected is not None
        return definition_sql(d.expected, actual)
    if d.status == "extra":
        return _drop(f"drop {word} {d.name};", allow_drop)
    want, have = d.expected, d.actual
    assert want is not None and have is not None
    facts = {c.fact for c in d.changes}
    out: list[str] = []
    if facts & {"returns", "arguments"}:
        # CREATE OR REPLACE cannot change a result type or parameter names: recreate
        out.append(f"drop {word} {d.name};")
        return out + definition_sql(want, actual)
    if facts - _ACCESS_FACTS:
        # CREATE OR REPLACE resets every property but owner and grants
        out.append(want.text.rstrip())
    if "owner" in facts:
        out += _owner_sql(want, word, want.ident)
    if "execute" in facts:
        for role in sorted(have.grantees - want.grantees):
            out.append(f"revoke execute on {word} {want.ident} from {role};")
        if want.grantees - have.grantees:
            out.append(
                f"grant execute on {word} {want.ident} to {', '.join(sorted(want.grantees - have.grantees))};"
            )
    if "comment" in facts:
        out.append(_comment_sql(want, word))
    return out


def _view(d: Difference, actual: Snapshot, allow_drop: bool) -> list[str]:
    want, have = d.expected, d.actual
    if d.status == "extra":
        assert have is not None
        return _drop(f"drop {_view_word(have)} {d.name};", allow_drop)
    assert want is not None
    if d.status == "missing":
        return definition_sql(want, actual)
    assert have is not None
    facts = {c.fact for c in d.changes}
    out: list[str] = []
    if facts - _ACCESS_FACTS:
        if want.extra["materialized"] or have.extra["materialized"]:
            # a materialized view has no CREATE OR REPLACE: recreate it (and its data)
            return [f"drop {_view_word(have)} {d.name};", *definition_sql(want, actual)]
        out.append(want.text.rstrip())  # CREATE OR REPLACE VIEW also replaces its options
    if "owner" in facts:
        out += _owner_sql(want, "view", want.ident)
    if "comment" in facts:
        out.append(_comment_sql(want, "view"))
    return out


def _table(d: Difference) -> list[str]:
    if d.status == "missing":
        return [f"-- table {d.name} is missing: it comes from a migration (run `sqlkit apply`)"]
    if d.status == "extra":
        return [f"-- table {d.name} is not in git: sqlkit never drops tables"]
    want = d.expected
    assert want is not None
    out: list[str] = []
    facts = {c.fact for c in d.changes}
    if "row level security" in facts:
        verb = "enable" if want.extra["rls"] else "disable"
        out.append(f"alter table {d.name} {verb} row level security;")
    if "force row level security" in facts:
        verb = "force" if want.extra["forced"] else "no force"
        out.append(f"alter table {d.name} {verb} row level security;")
    return out


def _trigger(d: Difference, actual: Snapshot, allow_drop: bool) -> list[str]:
    want, have = d.expected, d.actual
    if d.status == "extra":
        assert have is not None
        return _drop(f"drop trigger {have.ident};", allow_drop)
    assert want is not None
    if d.status == "missing":
        return definition_sql(want, actual)
    if "definition" in {c.fact for c in d.changes}:
        return [f"drop trigger {want.ident};", *definition_sql(want, actual)]
    verb = _ENABLE_TRIGGER[want.extra["enabled"]]
    return [f"alter table {want.table} {verb} trigger {want.local_name};"]


def _policy(d: Difference, actual: Snapshot, allow_drop: bool) -> list[str]:
    if d.status == "extra":
        assert d.actual is not None
        return _drop(f"drop policy {d.actual.ident};", allow_drop)
    assert d.expected is not None
    out = [f"drop policy {d.expected.ident};"] if d.status == "changed" else []
    return out + definition_sql(d.expected, actual)


def _drop(statement: str, allow_drop: bool) -> list[str]:
    return [statement] if allow_drop else [f"-- not dropped without --allow-drop: {statement}"]


def emit_sql(result: DiffResult, actual: Snapshot, *, allow_drop: bool = False) -> str:
    """One transaction: drops first, then routines, views, tables, triggers, policies."""
    by_kind: dict[str, list[str]] = {}
    drops: list[str] = []
    for d in result.differences:
        if d.kind in ("function", "procedure"):
            lines = _routine(d, actual, allow_drop)
        elif d.kind == "view":
            lines = _view(d, actual, allow_drop)
        elif d.kind == "table":
            lines = _table(d)
        elif d.kind == "trigger":
            lines = _trigger(d, actual, allow_drop)
        else:
            lines = _policy(d, actual, allow_drop)
        if d.status == "extra" and d.kind != "table":
            drops.extend(lines)
        else:
            by_kind.setdefault(d.kind, []).extend(lines)
    # policies and triggers may use routines that are dropped; views may use them too
    order = {"policy": 0, "trigger": 1, "view": 2, "procedure": 3, "function": 4}
    drops.sort(key=lambda line: order.get(_drop_kind(line), 5))
    body: list[str] = []
    if drops:
        body += ["-- objects in the database that git does not have", *drops, ""]
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


def _drop_kind(line: str) -> str:
    words = line.removeprefix("-- not dropped without --allow-drop: ").split()
    if len(words) > 2 and words[1] == "materialized":
        return "view"
    return words[1] if len(words) > 1 else ""
