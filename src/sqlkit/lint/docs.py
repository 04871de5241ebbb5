"""Generate docs/rules/*.md from the rule registry (the docstrings are the source)."""

from __future__ import annotations

from pathlib import Path

from sqlkit.lint.registry import Rule, declared_options, load_rules

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")

# Supabase's database linter (github.com/supabase/splinter, the dashboard's "Advisors"), lint by
# lint; docs/rules/README.md says where sqlkit covers each. Checked against splinter's lints/
# at commit 55db5b1 (2026): 0012 is documented but decided by the Auth server, not in SQL.
SPLINTER_LINTS = (
    ("0001_unindexed_foreign_keys", "Unindexed foreign keys"),
    ("0002_auth_users_exposed", "Exposed Auth Users"),
    ("0003_auth_rls_initplan", "Auth RLS Initialization Plan"),
    ("0004_no_primary_key", "No Primary Key"),
    ("0005_unused_index", "Unused Index"),
    ("0006_multiple_permissive_policies", "Multiple Permissive Policies"),
    ("0007_policy_exists_rls_disabled", "Policy Exists RLS Disabled"),
    ("0008_rls_enabled_no_policy", "RLS Enabled No Policy"),
    ("0009_duplicate_index", "Duplicate Index"),
    ("0010_security_definer_view", "Security Definer View"),
    ("0011_function_search_path_mutable", "Function Search Path Mutable"),
    ("0012_auth_allow_anonymous_sign_ins", "Anonymous sign-ins enabled"),
    ("0013_rls_disabled_in_public", "RLS Disabled in Public"),
    ("0014_extension_in_public", "Extension in Public"),
    ("0015_rls_references_user_metadata", "RLS references user metadata"),
    ("0016_materialized_view_in_api", "Materialized View in API"),
    ("0017_foreign_table_in_api", "Foreign Table in API"),
    ("0018_unsupported_reg_types", "Unsupported reg types"),
    ("0019_insecure_queue_exposed_in_api", "Insecure Queue Exposed in API"),
    ("0020_table_bloat", "Table Bloat"),
    ("0021_fkey_to_auth_unique", "Foreign Key to Auth Unique Constraint"),
    ("0022_extension_versions_outdated", "Extension Versions Outdated"),
    ("0023_sensitive_columns_exposed", "Sensitive Columns Exposed"),
    ("0024_rls_policy_always_true", "RLS Policy Always True"),
    ("0025_public_bucket_allows_listing", "Public Bucket Allows Listing"),
    ("0026_pg_graphql_anon_table_exposed", "Public Can See Object in GraphQL Schema"),
    ("0027_pg_graphql_authenticated_table_exposed", "Signed-In Users Can See Object in GraphQL"),
    ("0028_anon_security_definer_function_executable", "Public Can Execute SECURITY DEFINER"),
    (
        "0029_authenticated_security_definer_function_executable",
        "Signed-In Users Can Execute SECURITY DEFINER",
    ),
)
# why sqlkit has no rule that mirrors these
SPLINTER_NOT_COVERED = {
    "0012_auth_allow_anonymous_sign_ins": "not SQL: a setting of the Auth server "
    "(`[auth] enable_anonymous_sign_ins` in supabase/config.toml), which no statement or "
    "catalog shows; splinter reads it from the platform",
    "0029_authenticated_security_definer_function_executable": "deliberately not as such: "
    "SECURITY DEFINER RPCs for signed-in users are the documented Supabase pattern, and SK104 "
    "treats `GRANT EXECUTE ... TO authenticated` as intent; SK110 reports a definer function "
    "authenticated (or anon, PUBLIC) can execute that never checks who is calling",
}


_FIX_FLAGS = {"safe": "`sqlkit lint --fix`", "unsafe": "`sqlkit lint --fix --unsafe-fixes`"}


def rule_page(rule: Rule) -> str:
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"Default severity: **{rule.severity}**"
        + (
            " · Supabase splinter counterpart: "
            + ", ".join(f"`{lint}`" for lint in rule.counterparts)
            if rule.counterpart
            else ""
        )
        + (" · **live-only** (`sqlkit lint --dsn`)" if rule.live else "")
        + (
            f" · Fix: **{rule.fix}** ({_FIX_FLAGS[rule.fix.split(' ')[0].rstrip(';,')]})"
            if rule.fix
            else ""
        ),
        "",
        rule.doc.strip(),
        "",
        *(
            f"Setting: `{option.name}` (a list of strings; default "
            f"`{list(option.default)!r}`): {option.help}."
            for option in rule.options
        ),
        *([""] if rule.options else []),
        f"Help shown with each finding: {rule.help}",
        "",
        "_Generated from the rule's docstring by `make docs`; do not edit by hand._",
        "",
    ]
    return "\n".join(lines)


SEVERITY_POLICY = """## What a severity means

Every rule's default severity follows one policy, so that `--fail-on` means something:

- **error** — an attacker, or a certain failure at run time, is shown to exist: the model
  proves a path (anon or any signed-in user can call, read or write what they should not;
  a credential is in the database; a statement or function fails whenever it runs).
- **warning** — a defect or a risk whose harm depends on something the model cannot see
  (who calls the function, what the data is worth, whether the design means it), or a
  performance problem that grows with the data.
- **info** — conventions, hygiene and small gains: nothing breaks if it is left alone.

Style and performance are never errors. Every finding names the object and the
consequence, and its `help:` gives the fix as SQL to paste where the fix is mechanical
(`ALTER ...`, `REVOKE ...`, `CREATE POLICY ...`); where it is not (a parse error, a body
to rewrite), it says what to change. `severity = {SK109 = "off"}` (or another level) in
the configuration overrides a default.
"""


def index_page(rules: list[Rule]) -> str:
    lines = [
        "# Rule reference",
        "",
        "Codes are stable public identifiers; names are kebab-case. Select or ignore by code,",
        "by prefix (`SK1`, `SK10`) or by name. Generated by `make docs` from the rule registry.",
        "",
        SEVERITY_POLICY,
        "## Rules",
        "",
        "| code | name | severity | what it checks | `--fix` |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        fix = rule.fix.split(" ")[0].rstrip(";,") if rule.fix else ""
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity} | {summary} | {fix} |"
        )
    lines += ["", *splinter_table(rules), ""]
    return "\n".join(lines)


def splinter_table(rules: list[Rule]) -> list[str]:
    """Every lint of Supabase's database linter and the sqlkit rule that covers it."""
    by_lint: dict[str, list[Rule]] = {}
    for rule in rules:
        for lint in rule.counterparts:
            by_lint.setdefault(lint, []).append(rule)
    lines = [
        "## Supabase's database linter (splinter), lint by lint",
        "",
        "Supabase shows these lints as the dashboard's Advisors, on a deployed database. A static",
        "rule reports the same problem from the SQL files, before deploy, and in `sqlkit lint",
        "--dsn` on a live database too; a live-only rule needs a running database and runs in",
        "`sqlkit lint --dsn` only. Each rule's page says where it differs from its lint.",
        "",
        "| splinter lint | title | sqlkit | where |",
        "|---|---|---|---|",
    ]
    for lint, title in SPLINTER_LINTS:
        covering = by_lint.get(lint, [])
        if covering:
            codes = ", ".join(f"[{r.code}]({r.code}.md) {r.name}" for r in covering)
            where = (
                "live-only: `sqlkit lint --dsn`"
                if all(r.live for r in covering)
                else "static (files), and `sqlkit lint --dsn`"
            )
        else:
            codes, where = "—", SPLINTER_NOT_COVERED[lint]
        lines.append(f"| `{lint}` | {title} | {codes} | {where} |")
    return lines


def expected_files() -> dict[str, str]:
    rules = list(load_rules().values())
    files = {f"{rule.code}.md": rule_page(rule) for rule in rules}
    files["README.md"] = index_page(rules)
    return files


OPTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "rule_options.json"


def options_json() -> str:
    """What `sqlkit/data/rule_options.json` must hold: the options rules declare."""
    import json

    return json.dumps(declared_options(), indent=2, ensure_ascii=False) + "\n"


def write_docs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    expected = expected_files()
    for stale in folder.glob("SK*.md"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    OPTIONS_FILE.write_text(options_json(), encoding="utf-8")
    written.append(OPTIONS_FILE)
    return written
