"""Regenerate docs/rules/ from the rule registry: `python scripts/gen_rule_docs.py`."""

from pathlib import Path

from sqlkit.lint.docs import write_docs

if __name__ == "__main__":
    written = write_docs(Path(__file__).resolve().parent.parent / "docs" / "rules")
    print(f"wrote {len(written)} files to docs/rules/")
