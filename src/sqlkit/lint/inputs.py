"""What lint reads: the inputs of a run (files, folders, standard input), the project's
folders and the order files replay in. Light on purpose: a run answered from the run cache
(`sqlkit.lint.cache`) imports this and not the model."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlkit.config import Settings
from sqlkit.errors import InputError
from sqlkit.files import order_key, sql_files


@dataclass
class LintInput:
    """One thing to lint: its display path and, for stdin, its bytes."""

    path: str
    data: bytes | None = None  # None: read the file at `path`


def collect_inputs(paths: Sequence[str], stdin_data: bytes | None = None) -> list[LintInput]:
    """Expand paths (files, directories, `-` for stdin) into lint inputs."""
    inputs: list[LintInput] = []
    for raw in paths:
        if raw == "-":
            inputs.append(LintInput("-", stdin_data if stdin_data is not None else b""))
            continue
        path = Path(raw)
        if path.is_dir():
            for file in sql_files(path):
                inputs.append(LintInput(os.path.join(raw, str(file.relative_to(path)))))
        elif path.is_file():
            inputs.append(LintInput(raw))
        else:
            raise InputError(
                f"{raw}: no such file or directory",
                hint="pass SQL files, directories, or - for standard input",
            )
    return inputs


def project_folders(settings: Settings) -> list[str]:
    """The project's migrations/, functions/, triggers/, policies/ that exist, as paths
    relative to the working directory where they are under it."""
    cwd = Path.cwd()
    out = []
    for name in ("migrations", "functions", "triggers", "policies"):
        folder = settings.existing_folder(name)
        if folder is not None:
            out.append(str(folder.relative_to(cwd)) if folder.is_relative_to(cwd) else str(folder))
    return out


def with_project(
    given: list[LintInput], project: list[LintInput]
) -> tuple[list[LintInput], set[str] | None]:
    """The project's files and the given ones (the given file's path where both name the
    same file), and the paths to report on; (given, None) when no given file is one of the
    project's (standard input, files outside its folders): those are linted on their own."""

    def key(item: LintInput) -> str:
        return item.path if item.data is not None else str(Path(item.path).resolve())

    by_file = {key(item): item for item in project}
    if not any(key(item) in by_file for item in given):
        return given, None
    by_file.update({key(item): item for item in given})
    return list(by_file.values()), {item.path for item in given}


def migration_order(inputs: list[LintInput], settings: Settings) -> list[LintInput]:
    """The order apply runs files in (`sqlkit.files`), then the rest by path."""
    return sorted(inputs, key=lambda item: order_key(item.path, settings))
