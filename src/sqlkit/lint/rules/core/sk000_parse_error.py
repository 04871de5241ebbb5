"""
## What it does
Reports a statement that PostgreSQL's own parser (libpg_query, through pglast)
rejects, with the parser's message, line and column. The rest of the file is
still linted. A syntax error inside a `LANGUAGE sql` function body is reported
too, at its position in the body, and so is a PL/pgSQL body that PostgreSQL's
PL/pgSQL compiler rejects for what is written (a syntax error, EXIT outside a
loop, an unknown label, wrong cursor arguments): `CREATE FUNCTION` checks the
body (`check_function_bodies`, on by default) and fails.

## Why is this bad?
Postgres will refuse the statement when the migration runs; every object it
would have created is missing, and every later statement that depends on it
fails too.

## Example
```sql
create tabel public.notes (id bigint primary key);
```

## Use instead
```sql
create table public.notes (id bigint primary key);
```

## References
- [PostgreSQL: SQL Syntax](https://www.postgresql.org/docs/current/sql-syntax.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK000",
    "parse-error",
    "error",
    summary="the parser rejects a statement",
    help="fix the syntax; the message is PostgreSQL's own parser error",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for file in ctx.files:
        for span, message in file.parse_errors:
            yield ctx.finding("SK000", (file.path, span), message)
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None:
            continue
        for span, message in body.parse_errors:
            yield ctx.finding(
                "SK000",
                (function.origin.path, span),
                f"in the body of {function.display}: {message}",
            )
