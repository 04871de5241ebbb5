"""The copy of a data directory a server starts from: contents and modes, nothing shared."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlkit.engines.process import copy_data_directory


def test_copy_keeps_contents_modes_and_links_and_shares_nothing(tmp_path: Path) -> None:
    source = tmp_path / "data"
    (source / "base" / "1").mkdir(parents=True)
    (source / "base" / "1" / "1259").write_bytes(os.urandom(3 * 8192))
    (source / "PG_VERSION").write_text("18\n")
    (source / "empty").write_bytes(b"")
    os.chmod(source / "PG_VERSION", 0o600)
    os.symlink("base/1", source / "link")
    target = tmp_path / "copy"
    copy_data_directory(source, target)
    assert (target / "base" / "1" / "1259").read_bytes() == (source / "base/1/1259").read_bytes()
    assert (target / "empty").read_bytes() == b""
    assert stat.S_IMODE((target / "PG_VERSION").stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o700  # postgres refuses a looser one
    assert os.readlink(target / "link") == "base/1"
    with open(target / "base" / "1" / "1259", "r+b") as page:  # the server writes in place
        page.write(b"x" * 8192)
    assert (source / "base" / "1" / "1259").read_bytes()[:8192] != b"x" * 8192
