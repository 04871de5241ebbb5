"""Apply the fixes of lint findings: choose the edits, apply them in memory, lint again until
nothing more applies, then write each changed file atomically.

Rules only describe fixes (`Finding.fix`: text edits with ranges). Here:

- a fix applies only to files given on disk whose every statement parses (a template, standard
  input or a file with a parse error is never edited), and only when all its edits do;
- fixes are taken in finding order (path, line, column, code); one whose edits overlap an edit
  already taken is left for the next round (identical edits, such as two findings qualifying
  the same name, are taken once), so the outcome does not depend on the order rules ran in;
- after each round the project is linted again on the edited texts, which applies fixes that
  waited and proves the result: a round that makes a file stop parsing aborts the whole run,
  and nothing is written;
- before writing, each file must still hold the bytes read at the start (else it changed
  while sqlkit worked on it), be a regular file (not a symbolic link) and be writable; every
  file is checked before the first is written, and each is replaced in one step (a temporary
  file beside it, renamed over it), so no file is ever half-written.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlkit.errors import InputError
from sqlkit.lint.finding import Edit, Finding, LintResult

MAX_ROUNDS = 10  # each round applies at least one fix; real files need two or three


@dataclass
class Refusal:
    finding: Finding
    reason: str


@dataclass
class FixResult:
    """What `sqlkit lint --fix` did: the texts before and after, the findings fixed, those
    whose fix was refused (and why) or left because it is unsafe, and the lint of the result."""

    result: LintResult  # the findings that remain
    before: dict[str, str] = field(default_factory=dict)  # path -> text of each changed file
    after: dict[str, str] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unsafe: list[Finding] = field(default_factory=list)  # fixes left for --unsafe-fixes
    written: bool = False
    bom: set[str] = field(default_factory=set)  # changed files that start with a UTF-8 BOM

    def summary(self, *, verbose: bool = False) -> str:
        """What was done, for standard error: counts, and with `verbose` each refusal."""
        verb = "fixed" if self.written else "would fix" if self.after else "fixed"
        files = len(self.after)
        lines = [
            (
                "nothing to fix"
                if not self.fixed
                else f"{verb} {len(self.fixed)} finding{'s' if len(self.fixed) != 1 else ''} "
                f"in {files} file{'s' if files != 1 else ''}"
            )
            + (
                f"; {len(self.refused)} fix{'es' if len(self.refused) != 1 else ''} refused"
                if self.refused
                else ""
            )
            + (
                f"; {len(self.unsafe)} unsafe fix{'es' if len(self.unsafe) != 1 else ''} not "
                "applied (--unsafe-fixes)"
                if self.unsafe
                else ""
            )
        ]
        if verbose:
            lines += [
                f"refused: {r.finding.path}:{r.finding.line}: {r.finding.code}: {r.reason}"
                for r in self.refused
            ]
        return "\n".join(lines)

    def diff(self) -> str:
        """A unified diff of every changed file (what `--diff` prints)."""
        chunks: list[str] = []
        for path in sorted(self.after):
            bom = "\ufeff" if path in self.bom else ""  # as the file's bytes are, for `patch`
            chunks.extend(
                difflib.unified_diff(
                    (bom + self.before[path]).splitlines(keepends=True),
                    (bom + self.after[path]).splitlines(keepends=True),
                    f"a/{path}",
                    f"b/{path}",
                )
            )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in chunks
        )


@dataclass
class _File:
    path: str
    data: bytes  # as read at the start
    text: str | None  # decoded, BOM left out; None: not UTF-8
    bom: bool
    newline: str


Relint = Callable[[dict[str, bytes]], LintResult]


def fix_files(editable: Iterable[str], relint: Relint, *, unsafe: bool, write: bool) -> FixResult:
    """Lint, then apply the fixes to the files named in `editable` (given on disk), round
    after round; `relint(data)` lints the project with those files' bytes in place of what is
    on disk, so every round sees exactly the bytes read here. Writes only when `write`."""
    files = {path: _read(path) for path in editable}
    first = relint({path: file.data for path, file in files.items()})
    originals = {
        path: file
        for path, file in files.items()
        if path not in first.unparsable and not path.endswith(".sql.j2")
    }
    texts = {path: file.text for path, file in originals.items() if file.text is not None}
    not_utf8 = {path for path, file in originals.items() if file.text is None}
    outcome = FixResult(first)
    fixed: dict[tuple[str, int, int, str, str], Finding] = {}
    result = first
    for _ in range(MAX_ROUNDS):
        chosen, refused, left_unsafe = _choose(result.findings, texts, not_utf8, unsafe=unsafe)
        for finding in chosen:
            assert finding.fix is not None
            bad = sorted({e.path for e in finding.fix.edits} & not_utf8)
            if bad:
                raise InputError(
                    f"{bad[0]}: not valid UTF-8; sqlkit fixes only UTF-8 files, nothing was written",
                    hint="convert it to UTF-8 first, or lint it without --fix/--diff",
                )
        outcome.refused, outcome.unsafe = refused, left_unsafe  # of what remains
        if not chosen:
            break
        edits: dict[str, list[Edit]] = {}
        for finding in chosen:
            fixed.setdefault(_identity(finding), finding)
            assert finding.fix is not None
            for edit in finding.fix.edits:
                if edit not in edits.setdefault(edit.path, []):
                    edits[edit.path].append(edit)
        for path, file_edits in edits.items():
            texts[path] = apply_edits(texts[path], file_edits, originals[path].newline)
        result = relint({p: _encode(originals[p], t) for p, t in texts.items()})
        broken = sorted(p for p in edits if p in result.unparsable)
        if broken:
            raise InputError(
                f"{broken[0]}: the fixes sqlkit made would not parse; nothing was written",
                hint="please report this bug with the file; lint without --fix/--diff meanwhile",
            )
    outcome.result = result
    # a finding counts as fixed when the lint of the result no longer reports it
    remaining = {_identity(f) for f in result.findings}
    outcome.fixed = [f for key, f in fixed.items() if key not in remaining]
    for path, text in texts.items():
        if text != originals[path].text:
            outcome.before[path] = originals[path].text or ""
            outcome.after[path] = text
            if originals[path].bom:
                outcome.bom.add(path)
    if write and outcome.after:
        _write_all({p: _encode(originals[p], t) for p, t in outcome.after.items()}, originals)
        outcome.written = True
    return outcome


def _identity(finding: Finding) -> tuple[str, int, int, str, str]:
    """What names a finding across rounds: edits move lines, so its object and message, not
    its place, where it has an object."""
    if finding.object is not None:
        return (finding.path, 0, 0, finding.code, f"{finding.object}: {finding.message}")
    return (finding.path, finding.line, finding.column, finding.code, finding.message)


def _choose(
    findings: list[Finding], texts: dict[str, str], not_utf8: set[str], *, unsafe: bool
) -> tuple[list[Finding], list[Refusal], list[Finding]]:
    """The fixes to apply this round (no two overlapping), those refused and those unsafe."""
    chosen: list[Finding] = []
    refused: list[Refusal] = []
    left_unsafe: list[Finding] = []
    taken: dict[str, list[Edit]] = {}
    for finding in sorted(findings, key=lambda f: (*f.sort_key(), f.message)):
        fix = finding.fix
        if fix is None:
            continue
        if fix.refused is not None or not fix.edits:
            refused.append(Refusal(finding, fix.refused or "no edit"))
            continue
        outside = sorted(
            {e.path for e in fix.edits if e.path not in texts and e.path not in not_utf8}
        )
        if outside:
            if outside[0].endswith(".sql.j2"):
                why = f"it edits {outside[0]}, a template: fix the template by hand"
            elif outside[0] == finding.path:
                why = f"it edits {outside[0]}, which does not parse"
            else:
                why = f"it edits {outside[0]}, which was not given or does not parse"
            refused.append(Refusal(finding, why))
            continue
        if not fix.safe and not unsafe:
            left_unsafe.append(finding)
            continue
        if any(_conflicts(edit, taken.get(edit.path, ())) for edit in fix.edits):
            continue  # the next round, on the edited text
        for edit in fix.edits:
            taken.setdefault(edit.path, []).append(edit)
        chosen.append(finding)
    return chosen, refused, left_unsafe


def _conflicts(edit: Edit, taken: Iterable[Edit]) -> bool:
    for other in taken:
        if other == edit:
            continue
        if edit.start == edit.end and other.start == other.end:
            if edit.start == other.start:
                return True  # two insertions at one point: which goes first is a choice
            continue
        if edit.start < other.end and other.start < edit.end:
            return True
        if (edit.start == edit.end and other.start < edit.start < other.end) or (
            other.start == other.end and edit.start < other.start < edit.end
        ):
            return True
        if edit.start == other.start and (edit.start == edit.end or other.start == other.end):
            return True  # an insertion where a replacement starts: before it or in it?
    return False


def apply_edits(text: str, edits: list[Edit], newline: str = "\n") -> str:
    """`text` with non-overlapping `edits` applied, their line breaks written as `newline`
    (the file's own)."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)

    def offset(line: int, column: int) -> int:
        if not 1 <= line <= len(starts):
            raise ValueError(f"line {line} is outside the text")
        return min(starts[line - 1] + column - 1, len(text))

    placed = sorted(
        ((offset(e.line, e.column), offset(e.end_line, e.end_column), e.content) for e in edits),
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    for start, end, content in placed:
        text = text[:start] + content.replace("\n", newline) + text[end:]
    return text


# ------------------------------------------------------------------------ files
def _read(path: str) -> _File:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return _File(path, data, None, bom, "\n")
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    return _File(path, data, text, bom, newline)


def _encode(file: _File, text: str) -> bytes:
    """The bytes of a fixed text, with the file's BOM."""
    return (b"\xef\xbb\xbf" if file.bom else b"") + text.encode("utf-8")


def _write_all(contents: dict[str, bytes], originals: dict[str, _File]) -> None:
    """Check every file, then replace each in one step."""
    for path in sorted(contents):
        target = Path(path)
        if target.is_symlink():
            raise InputError(
                f"{path}: is a symbolic link; sqlkit does not write through links, nothing "
                "was written",
                hint=f"run --fix on the file it points to ({os.path.realpath(path)})",
            )
        try:
            now = target.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        if hashlib.sha256(now).digest() != hashlib.sha256(originals[path].data).digest():
            raise InputError(
                f"{path}: changed while sqlkit was fixing it; nothing was written",
                hint="run sqlkit lint --fix again",
            )
        # the mode bits too: root may write a file its owner marked read-only, but should not
        read_only = not target.stat().st_mode & stat.S_IWUSR
        if read_only or not os.access(path, os.W_OK) or not os.access(target.parent, os.W_OK):
            raise InputError(
                f"{path}: is read-only; nothing was written",
                hint="make the file and its folder writable, or use --diff",
            )
    for path in sorted(contents):
        _atomic_write(Path(path), contents[path])


def _atomic_write(target: Path, data: bytes) -> None:
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError(f"{target}: cannot write: {exc.strerror}") from None
