"""Compare two snapshots, what git describes and what is deployed, fact by fact."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from sqlkit.live.snapshot import KINDS, DbObject, Key, Snapshot, privileges_text

# facts whose change is visible in the definition text, so a unified diff is worth showing
ACCESS_FACTS = {"owner", "execute", "privileges", "comment", "enabled", "validated"}
# facts compared as canonical trees: too long to print, the unified diff shows them
_DIFF_FACTS = ("body", "definition", "using", "with check")
# kinds whose definition reads better as a unified diff than as one line per fact
_DIFFED_KINDS = {"function", "procedure", "view", "trigger", "policy", "constraint", "index"}
# an extra object of these kinds holds data (rows, a sequence's position, an extension's tables)
_DATA_KINDS = {"table", "column", "sequence", "extension"}


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
    # the columns, constraints, indexes, triggers and policies of a missing or extra table
    # or view: created or dropped with it, listed under it
    children: list[Difference] = field(default_factory=list)
    loses_data: bool = False  # fixing it drops data: emitted only with --allow-drop

    @property
    def key(self) -> Key:
        return (self.kind, self.name)

    @property
    def facts(self) -> set[str]:
        return {c.fact for c in self.changes}

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
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
            "loses_data": self.loses_data,
        }
        if self.children:
            out["includes"] = [{"kind": c.kind, "name": c.name} for c in self.children]
        return out


@dataclass
class DiffResult:
    differences: list[Difference]
    compared: dict[str, int]  # objects compared, by kind (union of both sides)
    timings: dict[str, float] = field(default_factory=dict)
    actual: Snapshot | None = None  # the database's side, for --emit-sql
    expected: Snapshot | None = None  # git's side

    @property
    def clean(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        return {
            s: sum(1 for d in self.differences if d.status == s)
            for s in ("missing", "extra", "changed")
        }

    def every_difference(self) -> list[Difference]:
        """The differences listed and those folded under a missing or extra parent."""
        out: list[Difference] = []
        for d in self.differences:
            out.append(d)
            out.extend(d.children)
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "differences": [d.to_json() for d in self.differences],
            "summary": {**self.counts(), "compared": self.compared},
        }


def shown_value(fact: str, value: str) -> str:
    """Canonical bodies are not for reading: the unified diff shows them instead."""
    if fact in _DIFF_FACTS:
        return "(see diff)" if value else ""
    return value


# privileges a server older than the version does not have (and cannot grant)
_PRIVILEGE_SINCE = {"maintain": 170000}


def _comparable(snapshot: Snapshot, oldest: int) -> Snapshot:
    """The snapshot without privileges the other, older server does not know."""
    unknown = {p for p, since in _PRIVILEGE_SINCE.items() if oldest < since}
    if not unknown or snapshot.server_version == oldest:
        return snapshot
    objects = {}
    for key, obj in snapshot.objects.items():
        if obj.privileges and any(p & unknown for p in obj.privileges.values()):
            kept = {r: p - unknown for r, p in obj.privileges.items() if p - unknown}
            obj = replace(
                obj, privileges=kept, facts={**obj.facts, "privileges": privileges_text(kept)}
            )
        objects[key] = obj
    return replace(snapshot, objects=objects)


def _baseline(obj: DbObject) -> DbObject:
    """Default privileges as they are where no entry exists (PostgreSQL's built-in ones)."""
    privileges = dict(obj.extra["baseline"])
    return replace(
        obj,
        privileges=privileges,
        facts={**obj.facts, "privileges": privileges_text(privileges)},
        extra={**obj.extra, "absent": True},
    )


def compare(expected: Snapshot, actual: Snapshot) -> DiffResult:
    """Every object of either side: missing, extra, or changed with the facts that differ."""
    oldest = min(expected.server_version, actual.server_version)
    expected, actual = _comparable(expected, oldest), _comparable(actual, oldest)
    differences: list[Difference] = []
    order = {kind: i for i, kind in enumerate(KINDS)}
    keys = sorted(set(expected.objects) | set(actual.objects), key=lambda k: (order[k[0]], k[1]))
    compared: dict[str, int] = {}
    for key in keys:
        kind, name = key
        want, have = expected.objects.get(key), actual.objects.get(key)
        if want is None and have is not None and have.extra.get("platform"):
            continue  # an extension the platform installed
        compared[kind] = compared.get(kind, 0) + 1
        if kind == "default privileges":
            # no entry on one side is PostgreSQL's built-in defaults there
            if want is None and have is not None:
                want = _baseline(have)
            elif have is None and want is not None:
                have = _baseline(want)
        if have is None:
            differences.append(Difference(kind, name, "missing", expected=want))
            continue
        if want is None:
            differences.append(
                Difference(kind, name, "extra", actual=have, loses_data=kind in _DATA_KINDS)
            )
            continue
        changes = [
            Change(fact, want.display.get(fact, want.facts.get(fact, "")), _shown(have, fact))
            for fact in _facts(want, have)
            if want.facts.get(fact, "") != have.facts.get(fact, "")
        ]
        if changes:
            shown = ""
            if (
                kind in _DIFFED_KINDS
                and any(c.fact not in ACCESS_FACTS for c in changes)
                and want.text != have.text
            ):
                shown = unified(want.text, have.text, name)
            difference = Difference(kind, name, "changed", changes, shown, want, have)
            difference.loses_data = loses_data(difference)
            differences.append(difference)
    return DiffResult(_fold(differences), compared, actual=actual, expected=expected)


def _shown(obj: DbObject, fact: str) -> str:
    return obj.display.get(fact, obj.facts.get(fact, ""))


def _fold(differences: list[Difference]) -> list[Difference]:
    """A missing or extra table's columns, constraints, ... go under it, not beside it."""
    by_key = {d.key: d for d in differences}
    out: list[Difference] = []
    for d in differences:
        obj = d.expected if d.status == "missing" else d.actual
        parent = by_key.get(obj.parent) if obj is not None and obj.parent else None
        if parent is not None and parent.status == d.status and d.status != "changed":
            parent.children.append(d)
            continue
        out.append(d)
    return out


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


# ---------------------------------------------------------------- what loses data
def loses_data(d: Difference) -> bool:
    """Would bringing this object to git's state drop data (rows, values, a counter)?"""
    if d.status == "extra":
        return d.kind in _DATA_KINDS
    if d.status != "changed" or d.expected is None or d.actual is None:
        return False
    want, have = d.expected, d.actual
    facts = d.facts
    if d.kind == "column":
        if "type" in facts and not widens(have.facts["type"], want.facts["type"]):
            return True
        # a column that becomes generated loses the values it holds
        return (
            "generated" in facts and bool(want.facts["generated"]) and not have.facts["generated"]
        )
    if d.kind == "enum":
        return not enum_values_added_only(have.row.labels, want.row.labels)
    if d.kind == "domain":
        return "type" in facts
    if d.kind == "composite":
        kept = {n for n, _ in want.row.attributes}
        return any(n not in kept for n, _ in have.row.attributes) or any(
            dict(want.row.attributes)[n] != t for n, t in have.row.attributes if n in kept
        )
    if d.kind == "table":
        return "partition by" in facts  # only by recreating the table
    return False


def enum_values_added_only(have: tuple[str, ...], want: tuple[str, ...]) -> bool:
    """Can `have` become `want` with ALTER TYPE ... ADD VALUE alone (no value removed or moved)?"""
    return [v for v in want if v in have] == list(have)


_TYPMOD = re.compile(r"^(?P<base>[^(]+?)(?:\((?P<args>[\d, ]+)\))?(?P<array>(?:\[\])*)$")
_WIDER = {
    ("smallint", "integer"),
    ("smallint", "bigint"),
    ("integer", "bigint"),
    ("smallint", "numeric"),
    ("integer", "numeric"),
    ("bigint", "numeric"),
    ("real", "double precision"),
    ("character varying", "text"),
    ("character", "text"),
    ("character", "character varying"),
}


def widens(old: str, new: str) -> bool:
    """Does every value of type `old` fit `new` unchanged (a type change that loses nothing)?"""
    a, b = _TYPMOD.match(old), _TYPMOD.match(new)
    if a is None or b is None or a["array"] != b["array"]:
        return False
    base_a, base_b = a["base"].strip(), b["base"].strip()
    args_a = [int(x) for x in a["args"].split(",")] if a["args"] else []
    args_b = [int(x) for x in b["args"].split(",")] if b["args"] else []
    if base_a == base_b:
        if not args_b:
            return True  # unbounded: varchar(10) → varchar, numeric(10,2) → numeric
        if not args_a or len(args_a) != len(args_b):
            return False
        if base_a == "numeric":  # more digits before and after the point
            scale_a = args_a[1] if len(args_a) > 1 else 0
            scale_b = args_b[1] if len(args_b) > 1 else 0
            return scale_b >= scale_a and args_b[0] - scale_b >= args_a[0] - scale_a
        return all(y >= x for x, y in zip(args_a, args_b, strict=True))
    if (base_a, base_b) in _WIDER:
        if base_a == "character" and base_b == "character varying":
            return not args_b or (bool(args_a) and args_b[0] >= args_a[0])
        return not args_b
    return False
