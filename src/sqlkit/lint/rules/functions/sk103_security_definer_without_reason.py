"""
## What it does
Reports a `SECURITY DEFINER` function (or an `ALTER FUNCTION ... SECURITY
DEFINER`) with no written justification: neither a comment of four or more
words on the `SECURITY DEFINER` line, nor a contiguous comment block directly
above the statement that mentions "definer" and has four or more words, nor a
`COMMENT ON FUNCTION` that does (the form pg_dump keeps).

Trigger functions (`RETURNS trigger` / `event_trigger`) are not reported: a
definer trigger function is the usual way to write rows the triggering role may
not write (Supabase's `handle_new_user`), it cannot be called directly, and a
reason comment on every one of them is noise for most teams. What a reviewer
must still check there — its `search_path` — is SK101/SK102's job.

## Why is this bad?
A definer function runs with its owner's rights, usually bypassing RLS. It is
the exception that reviewers must check by hand; a reason written beside it
tells them what the elevated rights are for (and that someone decided it).

## Example
```sql
create function public.user_emails() returns setof text
language sql security definer set search_path = ''
as $$ select email from auth.users $$;
```

## Use instead
```sql
-- security definer: reads auth.users, which API roles cannot select;
-- callers are checked against the admin role below.
create function public.user_emails() returns setof text
language sql security definer set search_path = ''
as $$ select email from auth.users where (auth.jwt() ->> 'user_role') = 'admin' $$;
```

## References
- [PostgreSQL: CREATE FUNCTION, Security](https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY)
- [Supabase: Security definer functions](https://supabase.com/docs/guides/database/functions#security-definer-vs-invoker)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK103",
    "security-definer-without-reason",
    "info",
    summary="SECURITY DEFINER without a written justification",
    help="write why it must be SECURITY DEFINER in a comment above it (mention 'definer') "
    "or on the SECURITY DEFINER line",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for function in ctx.model.functions.values():
        if function.security_definer and not function.definer_reason and not function.is_trigger:
            yield ctx.finding(
                "SK103",
                function.security_origin,
                f"{function.display} is SECURITY DEFINER with no written reason: reviewers "
                "cannot tell why it needs its owner's rights (and bypasses RLS)",
                help="-- security definer: <why it needs its owner's rights, and how it checks "
                "the caller>   (a comment directly above the CREATE, or at the end of the "
                "SECURITY DEFINER line)",
                object=str(function.key),
            )
