"""Compare two snapshots, what git describes and what is deployed, fact by fact."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from sqlkit.live.snapshot import KINDS, DbObject, Snapshot, privileges_text

# facts whose change is visible in the definition text, so a unified diff is worth showing
ACCESS_FACTS = {"owner", "execute", "privileges", "comment", "enabled"}


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
            if any(c.fact not in ACCESS_FACTS for c in changes) and want.text != have.text:
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
