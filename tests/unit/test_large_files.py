"""Large files: parsed in batches, and cut into ranges analysed by forked children. Whatever
the cut, the statements, events and findings are the ones of the file read whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqlkit.config import Settings
from sqlkit.lint import analyse
from sqlkit.lint.engine import lint
from sqlkit.lint.inputs import LintInput
from sqlkit.sql.source import Source
from sqlkit.sql.split import (
    cut_ranges,
    iter_range,
    iter_statements,
    parse_statements,
    statement_ends,
)

# every kind of piece the cut must survive: comments between statements, a body with `;`
# inside, a rejected statement, a trailing comment and no final semicolon
_UNIT = """-- table {n}
create table public.t{n} (id bigint primary key, owner uuid);
alter table public.t{n} enable row level security;
create policy p{n} on public.t{n} for update using (owner = auth.uid());
create function public.f{n}() returns int language plpgsql as $$
begin
  perform 1; return {n};
end $$;
selec broken{n};
grant select on public.t{n} to anon;
"""


def _text(units: int) -> str:
    return "".join(_UNIT.format(n=n) for n in range(units)) + "-- the end\nselect 1"


def _shape(statements: list[list]) -> list[tuple[int, int, str | None, bool]]:
    return [(s.start, s.end, s.kind, s.error is not None) for batch in statements for s in batch]


def test_batches_and_ranges_give_the_statements_of_the_whole_file() -> None:
    text = _text(60)
    source = Source("big.sql", text)
    whole = [(s.start, s.end, s.kind, s.error is not None) for s in parse_statements(source)]
    assert _shape(list(iter_statements(source, batch=500))) == whole
    ends = statement_ends(text)
    for shares in ([0.5, 0.5], [0.1, 0.3, 0.6], [0.9, 0.05, 0.05], [1.0]):
        ranges = cut_ranges(ends, shares)
        assert len(ranges) == len(shares)
        got = [b for first, last in ranges for b in iter_range(text, ends, first, last, batch=700)]
        assert _shape(got) == whole, shares
        indices = [s.index for batch in got for s in batch]
        assert indices == sorted(set(indices))  # unique, growing through the file


def test_cut_ranges_never_makes_an_empty_range() -> None:
    assert cut_ranges([], [0.5, 0.5]) == [(0, None)]
    assert cut_ranges([9], [0.5, 0.5]) == [(0, None)]
    assert cut_ranges([9, 18], [0.5, 0.5]) == [(0, 0), (1, None)]
    assert cut_ranges([9, 18, 27], [0.0, 0.0, 1.0]) == [(0, 0), (1, None)]


def _findings(path: str, jobs: int) -> list[tuple[str, int, int, str]]:
    result = lint([LintInput(path)], Settings(), jobs=jobs)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


_cuts: list[int] = []


@pytest.fixture
def big_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(analyse, "PARALLEL_CHARS", 2_000)
    cut = analyse._analyse_in_parallel

    def counted(source: Source, with_lines: bool, jobs: int) -> list[analyse._Part]:
        parts = cut(source, with_lines, jobs)
        _cuts.append(len(parts))
        return parts

    monkeypatch.setattr(analyse, "_analyse_in_parallel", counted)
    _cuts.clear()
    path = tmp_path / "big.sql"
    path.write_text(_text(40), encoding="utf-8")
    return str(path)


def test_a_large_file_cut_across_children_lints_like_one_read_whole(big_file: str) -> None:
    serial = _findings(big_file, jobs=1)
    assert {code for code, *_ in serial} >= {"SK000", "SK101", "SK204"}
    assert _cuts == []
    assert _findings(big_file, jobs=2) == serial
    assert _findings(big_file, jobs=3) == serial
    assert _cuts == [2, 3]


def test_a_child_that_dies_is_redone_by_the_parent(
    big_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _findings(big_file, jobs=1)

    def die(*_args: object) -> None:
        os._exit(1)

    monkeypatch.setattr(analyse, "_child", die)
    assert _findings(big_file, jobs=2) == serial
    assert _cuts == [2]


def test_many_files_across_workers_lint_like_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files over the parallel threshold go to worker processes, whose results come back
    in the files' order; below it (or with one idle core) they stay in this process."""
    paths = []
    for n in range(6):
        path = tmp_path / f"{n:02d}_m.sql"
        path.write_text(_text(4).replace("t0", f"u{n}_0"), encoding="utf-8")
        paths.append(LintInput(str(path)))
    monkeypatch.setattr(analyse, "PARALLEL_FILES_BYTES", 1_000)
    serial = lint(paths, Settings(), jobs=1).findings
    parallel = lint(paths, Settings(), jobs=2).findings
    assert {f.code for f in serial} >= {"SK000", "SK101"}
    assert [(f.path, f.code, f.line, f.message) for f in parallel] == [
        (f.path, f.code, f.line, f.message) for f in serial
    ]


def test_free_cpus_is_between_one_and_all() -> None:
    assert 1 <= analyse.free_cpus() <= (os.cpu_count() or 1)
