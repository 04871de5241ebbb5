"""
## What it does
Reports, once per guard, a PL/pgSQL guard that denies — `IF <condition> THEN RAISE
EXCEPTION` (or `RETURN`, before the work) — whose condition compares the caller's
identity with `<>`, `!=`, `NOT (a = b)` or `NOT IN`. The identity is `auth.uid()`,
`auth.jwt()` or a claim of it (`auth.jwt() ->> 'sub'`), `auth.role()`, `auth.email()`,
`current_setting('request.jwt.claim...')`, or a variable assigned from one of them.

Not reported when the function first rejects a NULL identity (`if auth.uid() is null
then raise ...`), or when the comparison is NULL-safe: `IS DISTINCT FROM`, or the
identity wrapped in `coalesce(...)`.

Second form, in trigger functions: `IF NEW.col <> OLD.col THEN RAISE` — a guard that
protects a column from changes — misses every change from or to NULL. It is reported
unless the column is `NOT NULL` on every table the trigger is attached to in the
project (a trigger not attached in the project, or a table whose definition it does not
hold, is reported; `IS DISTINCT FROM` is right whatever the column).

## Why is this bad?
For an anonymous caller `auth.uid()` is NULL, so `auth.uid() <> p_owner` is NULL, and
`IF NULL THEN` does not take the branch: the guard is skipped and the work goes on
with the function's rights. In a trigger, `NEW.email <> OLD.email` is NULL when either
value is NULL: a user whose email is NULL can set any email, and anyone can clear theirs.

## Example
```sql
-- definer: deletes the caller's own project, which RLS would also allow
create function public.delete_project(p_project_id uuid) returns void
language plpgsql security definer set search_path = '' as $$
declare v_owner uuid;
begin
  select owner_id into v_owner from public.projects where id = p_project_id;
  if auth.uid() <> v_owner then
    raise exception 'not your project' using errcode = '42501';
  end if;
  delete from public.projects where id = p_project_id;
end $$;
```

## Use instead
```sql
-- definer: deletes the caller's own project, which RLS would also allow
create function public.delete_project(p_project_id uuid) returns void
language plpgsql security definer set search_path = '' as $$
declare v_owner uuid;
begin
  select owner_id into v_owner from public.projects where id = p_project_id;
  if auth.uid() is distinct from v_owner then
    raise exception 'not your project' using errcode = '42501';
  end if;
  delete from public.projects where id = p_project_id;
end $$;
```

## References
- [PostgreSQL: Comparison operators and IS DISTINCT FROM](https://www.postgresql.org/docs/current/functions-comparison.html)
- [PostgreSQL: PL/pgSQL conditionals](https://www.postgresql.org/docs/current/plpgsql-control-structures.html#PLPGSQL-CONDITIONALS)
- [Supabase: auth.uid() is null for anonymous requests](https://supabase.com/docs/guides/database/postgres/row-level-security#authuid-returns-null-when-unauthenticated)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.edits import replace
from sqlkit.lint.finding import Fix
from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.state import Function
    from sqlkit.sql.source import Range


@rule(
    "SK115",
    "identity-guard-null-unsafe",
    "error",
    summary="a guard that denies when the caller's identity differs (<>, !=, NOT IN) "
    "is skipped when the identity is NULL",
    help="compare with IS DISTINCT FROM: IF auth.uid() IS DISTINCT FROM v_owner THEN RAISE ...",
    fix="safe",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.reported_functions():
        body = function.definition.body
        if body is None:
            continue
        for span, how, edits in body.null_unsafe_guards:
            yield ctx.finding(
                "SK115",
                (function.origin.path, span),
                f"guard in {function.display} compares the caller's identity with {how}: for a "
                "caller without a JWT (anon) the identity is NULL, the condition is NULL and "
                "the guard is skipped, so the work goes on",
                help="write the comparison NULL-safe: IF auth.uid() IS DISTINCT FROM <owner> "
                "THEN RAISE EXCEPTION 'forbidden' USING ERRCODE = '42501'; END IF; -- or "
                "reject a NULL identity first: IF auth.uid() IS NULL THEN RAISE ...; END IF;",
                object=str(function.key),
                fix=distinct_fix(function, edits),
            )
        if not function.is_trigger:
            continue
        for span, columns, column_edits in body.change_guards:
            nullable = [c for c in columns if not not_null_everywhere(ctx, function, c)]
            if not nullable:
                continue
            shown = ", ".join(nullable)
            yield ctx.finding(
                "SK115",
                (function.origin.path, span),
                f"change guard in trigger {function.display} compares NEW.{nullable[0]} <> "
                f"OLD.{nullable[0]}: a change from or to NULL makes the condition NULL, so "
                f"setting or clearing {shown} goes through unchecked",
                help=" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in nullable)
                + " -- write the guard's condition like this",
                object=str(function.key),
                fix=distinct_fix(
                    function, tuple(edit for c in nullable for edit in column_edits.get(c, ()))
                ),
            )


def distinct_fix(function: Function, edits: tuple[tuple[Range, str], ...]) -> Fix:
    """`<>` -> `IS DISTINCT FROM` in the guard (checked by parsing the edited condition
    back). Safe: where the condition was NULL (the guard skipped), it is now true (the guard
    denies), which is the guard's meaning; it changes what a NULL caller gets, not what
    anyone the guard was written for gets."""
    description = "compare with IS DISTINCT FROM"
    if not edits:
        return Fix.refuse(
            description,
            "the comparison is not a plain `a <> b` (NOT IN, NOT (a = b)) or its text could "
            "not be read back exactly: rewrite it by hand",
        )
    path = function.origin.path
    case = str.upper if function.definition.clause_upper else str.lower  # the file's keywords
    return Fix(description, tuple(replace(path, where, case(word)) for where, word in edits))


def not_null_everywhere(ctx: LintContext, function: Function, column: str) -> bool:
    """Is `column` NOT NULL on every table the trigger fires on?

    Unknown (no trigger seen, a table without its definition, a column not found) is not
    NOT NULL: the guard is reported.
    """
    if not function.trigger_tables:
        return False
    for key in function.trigger_tables:
        table = ctx.model.tables.get(key)
        found = table.columns.get(column) if table is not None else None
        if found is None or not found.not_null:
            return False
    return True
