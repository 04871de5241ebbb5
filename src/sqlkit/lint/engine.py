"""Lint: inputs → per-file analysis → events replayed into the model → rules → suppressions →
findings. Each step lives in its own module; this one runs them in order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlkit.config import Settings
from sqlkit.data import builtins
from sqlkit.lint.analyse import analyse_files, paused_gc
from sqlkit.lint.cache import LintCache
from sqlkit.lint.context import LintContext, Observation
from sqlkit.lint.finding import Finding, Fix, LintResult, Note, Summary
from sqlkit.lint.inputs import LintInput, migration_order
from sqlkit.lint.registry import Rule, enabled_rules, load_rules
from sqlkit.lint.suppress import apply_suppressions
from sqlkit.model.events import Origin
from sqlkit.model.replay import replay
from sqlkit.model.state import Model


# -------------------------------------------------------------------------- lint
def lint(
    inputs: list[LintInput],
    settings: Settings,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    jobs: int | None = None,
    cache: LintCache | None = None,
    report_only: set[str] | None = None,
) -> LintResult:
    """Lint `inputs` as one project; with `report_only`, every input builds the model but
    only findings (and notes) in those paths are reported."""
    with paused_gc():
        return _lint(inputs, settings, select, ignore, jobs, cache, report_only)


def _lint(
    inputs: list[LintInput],
    settings: Settings,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    jobs: int | None,
    cache: LintCache | None,
    report_only: set[str] | None = None,
) -> LintResult:
    rules = enabled_rules(settings, select, ignore)
    all_rules = load_rules()
    ordered = migration_order(inputs, settings)
    files = analyse_files(ordered, settings, jobs, cache)
    events = [event for file in files for event in file.events]
    model = replay(events, settings.target, settings.migration_role)
    ctx = LintContext(settings, model, files, builtins(), {**all_rules, **rules}, report_only)
    findings = run_rules(ctx, rules)
    notes = [note for file in files for note in file.notes] + body_notes(model)
    notes += [Note(o.path, o.span[0], message, important=True) for o, message in model.rejected]
    findings = apply_suppressions(findings, files, rules, ctx)
    unparsable = {f.path for f in files if f.parse_errors}
    findings = [_refuse_unfixable(f, unparsable) for f in findings]
    if report_only is not None:
        findings = [f for f in findings if f.path in report_only]
        notes = [n for n in notes if n.path in report_only]
        files = [f for f in files if f.path in report_only]
    findings.sort(key=Finding.sort_key)
    summary = Summary.of(findings, files=len(files), statements=sum(f.statements for f in files))
    notes.sort(key=lambda n: (n.path, n.line))
    sources = {f.path: f.text for f in files if f.text}
    return LintResult(findings, summary, notes, sources, unparsable)


def _refuse_unfixable(finding: Finding, unparsable: set[str]) -> Finding:
    """A fix that would edit what `--fix` never edits (a file with a statement the parser
    rejects, a template, standard input) is refused on the finding itself, so that every
    report says so and why, not only `--fix`."""
    fix = finding.fix
    if fix is None or fix.refused is not None:
        return finding
    for path in sorted({edit.path for edit in fix.edits}):
        if path in unparsable:
            why = f"{path} has a statement the parser rejects: fix that first"
        elif path.endswith(".sql.j2"):
            why = f"it edits {path}, a template: fix the template by hand"
        elif path == "-":
            why = "standard input cannot be fixed: lint the file"
        else:
            continue
        return replace(finding, fix=Fix.refuse(fix.description, why, safe=fix.safe))
    return finding


def run_rules(ctx: LintContext, rules: dict[str, Rule]) -> list[Finding]:
    """Every enabled rule on the context; a crashing rule becomes a finding, not a dead run."""
    findings: list[Finding] = []
    for code, rule in rules.items():
        if rule.check is None or (rule.structure and not ctx.model.has_structure):
            continue
        try:
            findings.extend(rule.check(ctx))
        except Exception as exc:
            findings.append(
                Finding(
                    "<sqlkit>",
                    1,
                    1,
                    1,
                    1,
                    code,
                    rule.name,
                    "error",
                    f"rule {code} crashed: {exc!r}; please report this bug",
                    "run with --verbose and report the traceback",
                )
            )
    return findings


def body_notes(model: Model) -> list[Note]:
    """Notes about function bodies the PL/pgSQL parser could not analyse."""
    return [
        Note(f.origin.path, span[0], f"{f.display}: {message}")
        for f in model.functions.values()
        if f.definition.body is not None
        for span, message in f.definition.body.notes
    ]


def lint_model(
    model: Model,
    settings: Settings,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    observations: Iterable[Observation] = (),
    notes: Iterable[str] = (),
) -> LintResult:
    """Run the rules on a model that did not come from files (a live database), with what
    the database's own checks observed (`sqlkit.live.checks`) for the rules enabled."""
    with paused_gc():
        rules = enabled_rules(settings, select, ignore)
        ctx = LintContext(settings, model, [], builtins(), {**load_rules(), **rules})
        found = run_rules(ctx, rules)
        for seen in observations:
            if seen.code in rules:
                where = Origin(seen.object, 0, (1, 1, 1, 1))
                found.append(
                    ctx.finding(seen.code, where, seen.message, seen.help, object=seen.object)
                )
        findings = sorted(found, key=Finding.sort_key)
        noted = [*body_notes(model), *(Note("<database>", 1, note) for note in notes)]
        objects = len(model.functions) + len(model.tables) + len(model.policies) + len(model.views)
        summary = Summary.of(findings, files=0, statements=objects)
        return LintResult(findings, summary, noted, {})
