"""`sqlkit pull`: a deployed database as files, one object per file, safe to apply again.

Folders are numbered so that applying the files in path order (what `sqlkit apply`
does with repeatable definitions) creates views before the functions that return
them, and functions before the triggers and policies that call them. Tables are
not pulled (they come from migrations), but their access rules are: RLS flags and
privileges, one file per table.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlkit.errors import InputError
from sqlkit.live.emit import definition_sql
from sqlkit.live.snapshot import DbObject, Snapshot

FOLDERS = {
    "view": "01_views",
    "function": "02_functions",
    "procedure": "02_functions",
    "trigger": "03_triggers",
    "table": "04_access",
    "policy": "05_policies",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


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


def file_text(obj: DbObject, snapshot: Snapshot) -> str:
    """The object's definition, formatted as the server prints it, and safe to re-apply."""
    statements = definition_sql(obj, snapshot)
    if obj.kind == "trigger":
        statements.insert(0, f"drop trigger if exists {obj.ident};")
    elif obj.kind == "policy":
        statements.insert(0, f"drop policy if exists {obj.ident};")
    lines = [f"-- {obj.kind} {obj.name}: pulled by `sqlkit pull`"]
    for statement in statements:
        if "\n" in statement:  # a whole definition stands apart from one-line statements
            lines += ["", statement, ""]
        else:
            lines.append(statement)
    return "\n".join(lines).rstrip() + "\n"


def planned_files(snapshot: Snapshot) -> dict[Path, str]:
    """Relative path → text for every object (tables: their RLS flags and privileges)."""
    names: dict[str, int] = {}
    for obj in snapshot.objects.values():
        if obj.kind in ("function", "procedure"):
            base = obj.name.partition("(")[0]
            names[base] = names.get(base, 0) + 1
    out: dict[Path, str] = {}
    for (_, _), obj in sorted(snapshot.objects.items()):
        overloaded = names.get(obj.name.partition("(")[0], 0) > 1
        path = Path(FOLDERS[obj.kind]) / file_name(obj, overloaded)
        number = 2
        while path in out:  # two names that only differ in characters a file name cannot hold
            path = path.with_name(f"{path.name.removesuffix('.sql')}--{number}.sql")
            number += 1
        out[path] = file_text(obj, snapshot)
    return out


def write_files(snapshot: Snapshot, into: Path, *, force: bool = False) -> list[Path]:
    """Write the files; an existing file with other content is only replaced with `force`."""
    planned = planned_files(snapshot)
    if into.exists() and not into.is_dir():
        raise InputError(
            f"{into} is a file", hint="--into needs a folder (it is created if missing)"
        )
    clashes = [
        into / rel
        for rel, text in planned.items()
        if (into / rel).exists() and (into / rel).read_text(encoding="utf-8") != text
    ]
    if clashes and not force:
        raise InputError(
            f"{clashes[0]} exists with other content"
            + (f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""),
            hint="pull into an empty folder, or pass --force to overwrite",
        )
    written: list[Path] = []
    for rel, text in planned.items():
        path = into / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
