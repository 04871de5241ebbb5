"""
## What it does
Reports a `-- sqlkit: ignore ...` or `-- sqlkit: ignore-file ...` directive
that names a code sqlkit does not know, or that suppresses nothing (the
statement it is attached to has no finding with that code). Only rules enabled
in the run count: a directive for a rule turned off by `--select`/`--ignore`
is not reported as unused.

## Why is this bad?
A stale suppression hides the next real finding of that rule on that
statement, and a misspelt code suppresses nothing while looking as if it did.

## Example
```sql
-- sqlkit: ignore SK103 -- this function is not security definer any more
create function public.f() returns int language sql
  set search_path = '' as $$ select 1 $$;
```

## Use instead
Remove the directive, or fix the code it names:
```sql
create function public.f() returns int language sql
  set search_path = '' as $$ select 1 $$;
```

## References
- [sqlkit: suppressing findings](../lint.md#suppressing-findings)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.lint.registry import Rule, load_rules, rule

if TYPE_CHECKING:
    from sqlkit.lint.context import FileResult, LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK001",
    "unknown-suppression",
    "warning",
    summary="a suppression names an unknown code, or suppresses nothing",
    engine=True,
    help="remove the directive or correct the rule code it names",
)
def unused_suppressions(
    ctx: LintContext, files: list[FileResult], enabled: dict[str, Rule]
) -> list[Finding]:
    known = load_rules()
    out: list[Finding] = []
    for file in files:
        for directive in file.directives:
            span = (directive.line, directive.column, directive.line, directive.end_column)
            if not directive.codes:
                out.append(
                    ctx.finding(
                        "SK001", (file.path, span), f"`sqlkit: {directive.kind}` names no rule code"
                    )
                )
                continue
            for code in directive.codes:
                if code not in known:
                    out.append(
                        ctx.finding(
                            "SK001",
                            (file.path, span),
                            f"`sqlkit: {directive.kind}` names unknown rule {code}",
                        )
                    )
                elif code in enabled and code not in directive.used and code != "SK001":
                    where = (
                        "this file"
                        if directive.kind == "ignore-file"
                        else (
                            "its statement" if directive.statement is not None else "any statement"
                        )
                    )
                    out.append(
                        ctx.finding(
                            "SK001",
                            (file.path, span),
                            f"`sqlkit: {directive.kind} {code}` suppresses nothing: {code} does not fire on {where}",
                        )
                    )
    return out
