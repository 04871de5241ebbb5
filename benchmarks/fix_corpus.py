"""What `sqlkit lint --fix` does on a corpus: findings before and after, fixed by rule, fixes
refused (by rule and reason) and unsafe fixes left, with and without --unsafe-fixes.

    python benchmarks/fix_corpus.py /work/corpus/pg_regress --target postgres
    python benchmarks/fix_corpus.py /work/corpus/supabase-projects --projects

The folder is copied to a temporary directory first (the corpus is never written); with
--projects each sub-folder is one project (linted from its own folder, its sqlkit.toml).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from sqlkit import api
from sqlkit.config import Settings, load_settings


def measure(folder: Path, settings: Settings, unsafe: bool) -> dict[str, Counter[str]]:
    paths = [str(p.relative_to(folder)) for p in sorted(folder.rglob("*.sql"))]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        before = api.lint(paths, settings=settings, cache=False, isolated=True)
        done = api.fix(
            paths, settings=settings, unsafe=unsafe, write=False, cache=False, isolated=True
        )
    finally:
        os.chdir(cwd)
    reasons: Counter[str] = Counter()
    for refusal in done.refused:
        # the reason without names: group "relation `x` may be in schema s" by its form
        reason = re.sub(r"`[^`]*`", "`…`", refusal.reason)
        reason = re.sub(r"\S+\.sql", "<file>", reason)
        reasons[f"{refusal.finding.code}: {reason}"] += 1
    return {
        "before": Counter(f.code for f in before.findings),
        "after": Counter(f.code for f in done.result.findings),
        "fixed": Counter(f.code for f in done.fixed),
        "refused": Counter(r.finding.code for r in done.refused),
        "unsafe": Counter(f.code for f in done.unsafe),
        "reasons": reasons,
        "files": Counter({"changed": len(done.after)}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--target", default=None)
    parser.add_argument("--projects", action="store_true", help="each sub-folder is a project")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sqlkit-fix-corpus-") as scratch:
        copy = Path(scratch) / args.corpus.name
        shutil.copytree(args.corpus, copy)
        folders = sorted(p for p in copy.iterdir() if p.is_dir()) if args.projects else [copy]
        for unsafe in (False, True):
            total: dict[str, Counter[str]] = {}
            for folder in folders:
                config = folder / "sqlkit.toml"
                settings = load_settings(config_file=config) if config.exists() else Settings()
                if args.target:
                    settings = settings.with_overrides(target=args.target)
                for key, counts in measure(folder, settings, unsafe).items():
                    total.setdefault(key, Counter()).update(counts)
            print(f"== {args.corpus} ({len(folders)} project(s)), unsafe fixes: {unsafe}")
            for key in ("before", "after", "fixed", "refused", "unsafe", "files"):
                counts = total[key]
                print(f"{key:8} {sum(counts.values()):6}  {dict(sorted(counts.items()))}")
            print("refusals by reason:")
            for reason, count in total["reasons"].most_common():
                print(f"  {count:5}  {reason}")


if __name__ == "__main__":
    main()
