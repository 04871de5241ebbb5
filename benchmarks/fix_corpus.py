"""What `sqlkit lint --fix` does on a corpus: findings before and after, fixed by rule, fixes
refused (by rule and reason) and unsafe fixes left, with and without --unsafe-fixes.

    python benchmarks/fix_corpus.py /work/corpus/pg_regress --target postgres
    python benchmarks/fix_corpus.py /work/corpus/supabase-projects --projects

The folder is copied to a temporary directory first (the corpus is never written); with
--projects each sub-folder is one project (linted from its own folder, its sqlkit.toml).
`--apply` (with --projects) also runs each project's files in order, as they are and as
fixed, each in its own transaction, on a new database with the Supabase shim in the
embedded Postgres, and reports the files that fail either way (a fix must not make a file
fail that applied before).
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


def measure(
    folder: Path, settings: Settings, unsafe: bool, texts: dict[str, dict[str, str]] | None = None
) -> dict[str, Counter[str]]:
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
    if texts is not None:
        texts[str(folder)] = {p: done.after.get(p, (folder / p).read_text()) for p in paths}
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
    parser.add_argument("--apply", action="store_true", help="apply before/after (see above)")
    args = parser.parse_args()
    fixed_texts: dict[str, dict[str, str]] = {}
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
                texts = fixed_texts if unsafe and args.apply else None
                for key, counts in measure(folder, settings, unsafe, texts).items():
                    total.setdefault(key, Counter()).update(counts)
            print(f"== {args.corpus} ({len(folders)} project(s)), unsafe fixes: {unsafe}")
            for key in ("before", "after", "fixed", "refused", "unsafe", "files"):
                counts = total[key]
                print(f"{key:8} {sum(counts.values()):6}  {dict(sorted(counts.items()))}")
            print("refusals by reason:")
            for reason, count in total["reasons"].most_common():
                print(f"  {count:5}  {reason}")
        if args.apply:
            apply_both(fixed_texts)


def apply_both(fixed: dict[str, dict[str, str]]) -> None:
    """Each project's files, original then fixed, on a new shim database each."""
    import secrets

    from sqlkit.engines import resolve
    from sqlkit.engines.base import create_database, drop_database
    from sqlkit.engines.shim import install_shim

    engine = resolve(load_settings(), None)
    server = engine.start()
    try:
        for folder, texts in sorted(fixed.items()):
            outcome = {}
            for label in ("original", "fixed"):
                name = f"sqlkit_fixcorpus_{secrets.token_hex(4)}"
                create_database(server, name)
                failed: dict[str, str] = {}
                try:
                    with server.connect(name, autocommit=True) as conn:
                        install_shim(conn, "supabase")
                        for path in sorted(texts, key=lambda p: ("seed" in p, p)):
                            text = (
                                (Path(folder) / path).read_text()
                                if label == "original"
                                else texts[path]
                            )
                            try:
                                with conn.transaction():
                                    conn.execute(text.encode())
                            except Exception as exc:  # a file that fails: reported, not fatal
                                failed[path] = str(exc).splitlines()[0]
                finally:
                    drop_database(server, name)
                outcome[label] = failed
            worse = {p: e for p, e in outcome["fixed"].items() if p not in outcome["original"]}
            changed = [p for p in texts if texts[p] != (Path(folder) / p).read_text()]
            proven = [p for p in changed if p not in outcome["original"]]
            print(
                f"apply {Path(folder).name}: {len(texts)} files, failing as they are "
                f"{len(outcome['original'])}, fixed {len(outcome['fixed'])}; changed by fixes "
                f"{len(changed)}, of which apply as they are (so checked) {len(proven)}; newly failing "
                f"{len(worse)} {worse or ''}; first failure as they are: "
                f"{min(outcome['original'].items(), default=None)}"
            )
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
