"""`sqlkit pull`: a deployed database as files, safe to apply again.

Tables, their columns, constraints and indexes, with the schemas, extensions, types
and sequences they use, become one baseline migration, in dependency order (written
only where the project has no migrations yet: otherwise the tables are your
migrations', and only their access rules are pulled). Functions, views, triggers and
policies become repeatable definitions, one object per file, in numbered folders so
that applying them in path order (what `sqlkit apply` does) creates everything after
what it depends on.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlkit.errors import InputError
from sqlkit.files import parse_versioned, sql_files
from sqlkit.live import ddl
from sqlkit.live.compare import Difference, DiffResult
from sqlkit.live.emit import plan_script
from sqlkit.live.snapshot import DEFAULT, DbObject, Key, Snapshot

FOLDERS = {
    "view": "views",
    "function": "functions",
    "procedure": "functions",
    "trigger": "triggers",
    "policy": "policies",
    # without a baseline, the access rules of what migrations create
    "table": "access",
    "schema": "access",
    "sequence": "access",
    "default privileges": "access",
}
_ACCESS = ("table", "schema", "sequence", "default privileges")
# repeatable kinds, in the order a layer of each is written when its dependencies are met
_CYCLE = (("view",), ("function", "procedure"), ("trigger",), ("policy",), _ACCESS)
# what a baseline migration holds (and functions or views these need)
BASELINE_KINDS = frozenset(
    {
        "schema",
        "extension",
        "enum",
        "domain",
        "composite",
        "sequence",
        "table",
        "column",
        "constraint",
        "index",
        "default privileges",
    }
)
BASELINE_MARK = "-- baseline: the database's schemas, types and tables, pulled by `sqlkit pull`"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class PullPlan:
    baseline: str | None  # the baseline migration's text; None: the tables are not pulled
    repeatables: dict[Path, str] = field(default_factory=dict)  # relative path → text


@dataclass
class Pulled:
    files: list[Path]  # repeatable definitions written
    baseline: Path | None  # the baseline migration written, if any
    tables_skipped: str = ""  # why tables were not pulled


def _plain(name: str) -> str:
    return _UNSAFE.sub("_", name.replace('"', "")).strip("_")


def file_name(obj: DbObject, overloaded: bool) -> str:
    if obj.kind in ("function", "procedure"):
        base, _, args = obj.name.partition("(")
        stem = _plain(base)
        if overloaded:
            stem += "--" + (
                _plain(args.rstrip(")").replace(",", "-").replace(" ", "_")) or "noargs"
            )
        return stem + ".sql"
    return _plain(obj.name) + ".sql"


def _blocks(statements: list[str]) -> list[str]:
    lines: list[str] = []
    for statement in statements:
        if "\n" in statement:  # a whole definition stands apart from one-line statements
            lines += ["", statement, ""]
        else:
            lines.append(statement)
    return lines


def file_text(obj: DbObject, snapshot: Snapshot, *, with_table: bool = False) -> str:
    """The object's definition, formatted as the server prints it, and safe to re-apply."""
    if obj.kind == "table":
        statements = ddl.table_access_sql(obj, snapshot.relation_grantees)
        for column in obj.extra.get("columns", ()):
            statements += ddl.grant_changes(
                f"table {obj.ident}", column.privileges, {}, column.local_name
            )
    elif obj.kind == "schema":
        statements = ddl.acl_reset_sql(obj, frozenset())
    elif obj.kind == "sequence":
        statements = ddl.acl_reset_sql(obj, snapshot.sequence_grantees)
    else:
        statements = ddl.create_sql(obj, snapshot)
    if obj.kind == "trigger":
        statements.insert(0, f"drop trigger if exists {obj.ident};")
    elif obj.kind == "policy":
        statements.insert(0, f"drop policy if exists {obj.ident};")
    elif obj.kind == "view":
        statements[0] = obj.text.rstrip()  # CREATE OR REPLACE, or IF NOT EXISTS (materialized)
        for index in snapshot.children(obj.key):
            if index.kind == "index":
                statements += [
                    ddl.index_definition(index.row).replace(
                        "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1
                    )
                    + ";",
                    *([ddl.comment_sql(index)] if index.comment else []),
                ]
    elif obj.kind in ("function", "procedure") and obj.row.language == "sql":
        # a SQL body is checked when created: what it reads may come in a later file
        statements.insert(0, "set local check_function_bodies = off;")
    lines = [f"-- {obj.kind} {obj.name}: pulled by `sqlkit pull`", *_blocks(statements)]
    return "\n".join(lines).rstrip() + "\n"


def _dependencies(snapshot: Snapshot, key: Key, members: set[Key]) -> set[Key]:
    """What `key` needs among `members` (a view's indexes count as the view's)."""
    out = set()
    for ref in snapshot.depends.get(key, ()):
        obj = snapshot.objects.get(ref)
        if obj is not None and obj.kind == "index" and obj.parent in members:
            ref = obj.parent
        if ref[0] in _ACCESS:
            continue  # there before any repeatable file (a migration's); its access file adds rules
        if ref in members and ref != key:
            out.add(ref)
    return out


def _baseline_members(snapshot: Snapshot) -> set[Key]:
    """The baseline's objects: tables and what they are made of, and the functions and
    views those need (a column default, a check, an index expression)."""
    members = set()
    for key, obj in snapshot.objects.items():
        if obj.kind not in BASELINE_KINDS or obj.extra.get("platform"):
            continue  # an extension of the platform's comes along only when something needs it
        if obj.parent is not None and obj.parent[0] != "table":
            continue  # a materialized view's index goes with the view
        members.add(key)
    queue = list(members)
    while queue:
        node = queue.pop()
        needs = set(snapshot.depends.get(node, ()))
        if node[0] == "column":  # and what its default calls
            needs |= snapshot.depends.get((DEFAULT, node[1]), set())
        for ref in needs:
            needed = snapshot.objects.get(ref)
            if needed is None or ref in members:
                continue
            if needed.kind in ("function", "procedure", "view", "extension"):
                members.add(ref)
                queue.append(ref)
    return members


def baseline_text(snapshot: Snapshot, members: set[Key]) -> str:
    differences = [
        Difference(kind, name, "missing", expected=snapshot.objects[(kind, name)])
        for kind, name in sorted(members)
    ]
    empty = Snapshot(
        {},
        snapshot.deployer,
        snapshot.function_grantees,
        snapshot.server_version,
        relation_grantees=snapshot.relation_grantees,
        sequence_grantees=snapshot.sequence_grantees,
    )
    result = DiffResult(differences, {}, expected=snapshot)
    script = plan_script(result, empty)
    lines = [
        BASELINE_MARK,
        "-- applied once, like every migration; change the schema with new migrations from here",
    ]
    if any(k in ("function", "procedure") for k, _ in members):
        lines.append("set local check_function_bodies = off;")
    for step in script.steps:
        if step.statements:
            kind, name = step.node
            lines += ["", f"-- {kind} {name}", *step.statements]
    return "\n".join(lines) + "\n"


def plan_pull(snapshot: Snapshot, *, with_baseline: bool) -> PullPlan:
    """The baseline (when asked for) and every repeatable file, by relative path."""
    baseline_members = _baseline_members(snapshot) if with_baseline else set()
    repeatable = {
        k: o
        for k, o in snapshot.objects.items()
        if o.kind in FOLDERS
        and k not in baseline_members
        and (o.kind not in _ACCESS or not with_baseline)
        and not o.extra.get("platform")
    }
    names: dict[str, int] = {}
    for obj in repeatable.values():
        if obj.kind in ("function", "procedure"):
            base = obj.name.partition("(")[0]
            names[base] = names.get(base, 0) + 1
    plan = PullPlan(baseline_text(snapshot, baseline_members) if with_baseline else None)
    members = set(repeatable)
    for layer, keys in enumerate(_layers(snapshot, members), start=1):
        for key in sorted(keys):
            obj = repeatable[key]
            overloaded = names.get(obj.name.partition("(")[0], 0) > 1
            folder = f"{layer:02d}_{FOLDERS[obj.kind]}"
            path = Path(folder) / file_name(obj, overloaded)
            number = 2
            while (
                path in plan.repeatables
            ):  # names that differ only in what a file name cannot hold
                path = path.with_name(f"{path.name.removesuffix('.sql')}--{number}.sql")
                number += 1
            plan.repeatables[path] = file_text(obj, snapshot)
    return plan


def _layers(snapshot: Snapshot, members: set[Key]) -> list[list[Key]]:
    """Batches of one kind each, every object after the batches holding what it needs."""
    needs = {k: _dependencies(snapshot, k, members) for k in members}
    remaining = set(members)
    done: set[Key] = set()
    layers: list[list[Key]] = []
    while remaining:
        progressed = False
        for kinds in _CYCLE:
            batch = [k for k in remaining if k[0] in kinds and needs[k] <= done]
            if batch:
                layers.append(batch)
                done |= set(batch)
                remaining -= set(batch)
                progressed = True
        if not progressed:  # a dependency cycle: one object goes on its own
            first = min(remaining, key=lambda k: (_kind_rank(k[0]), k[1]))
            layers.append([first])
            done.add(first)
            remaining.discard(first)
    return layers


def _kind_rank(kind: str) -> int:
    return next(i for i, kinds in enumerate(_CYCLE) if kind in kinds)


def _existing_baseline(folder: Path) -> Path | None:
    for path in sql_files(folder):
        try:
            first = path.read_text(encoding="utf-8").partition("\n")[0]
        except OSError:
            continue
        if first == BASELINE_MARK:
            return path
    return None


def _check_clashes(planned: dict[Path, str], force: bool) -> None:
    clashes = [
        path
        for path, text in planned.items()
        if path.exists() and path.read_text(encoding="utf-8") != text
    ]
    if clashes and not force:
        raise InputError(
            f"{clashes[0]} exists with other content"
            + (f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""),
            hint="pull into an empty folder, or pass --force to overwrite",
        )


def write_files(
    snapshot: Snapshot, into: Path, *, migrations: Path | None = None, force: bool = False
) -> Pulled:
    """Write the files; an existing file with other content is only replaced with `force`.

    `migrations`: the project's migrations folder, where the baseline goes when it holds no
    migration yet (or only an earlier pulled baseline).
    """
    if into.exists() and not into.is_dir():
        raise InputError(
            f"{into} is a file", hint="--into needs a folder (it is created if missing)"
        )
    baseline_path: Path | None = None
    skipped = ""
    if migrations is not None:
        existing = _existing_baseline(migrations)
        others = [p for p in sql_files(migrations) if p != existing and parse_versioned(p.name)]
        if others:
            skipped = f"tables not pulled: {migrations} has migrations (only their access rules)"
        else:
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
            baseline_path = existing or migrations / f"{stamp}_baseline.sql"
    plan = plan_pull(snapshot, with_baseline=baseline_path is not None)
    planned = {into / rel: text for rel, text in plan.repeatables.items()}
    if baseline_path is not None and plan.baseline is not None:
        planned[baseline_path] = plan.baseline
    _check_clashes(planned, force)
    written: list[Path] = []
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path != baseline_path:
            written.append(path)
    return Pulled(written, baseline_path, skipped)
