"""
## What it does
Live-only: runs in `sqlkit lint --dsn`. Reports a public Supabase Storage bucket
(`storage.buckets.public`) for which a permissive `SELECT` (or `ALL`) policy on
`storage.objects` for PUBLIC, `anon` or `authenticated` has no condition, `true`, or only
`bucket_id = '<the bucket>'`: any client can list every file in the bucket. One finding
per bucket, naming the policies.

Splinter counterpart: `0025_public_bucket_allows_listing`. Same semantics. It is
live-only because buckets are rows (`insert into storage.buckets`, the dashboard, the
Storage API), not schema.

## Why is this bad?
A public bucket serves each file by its URL without any policy. A broad `SELECT` policy
adds the ability to *list* the bucket: anyone with the anon key can enumerate every file
name (user ids, invoice numbers, private uploads that were only meant to be reachable
by an unguessable URL).

## Example
```sql
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
create policy avatars_read on storage.objects for select to anon, authenticated
  using (bucket_id = 'avatars');
```

## Use instead
```sql
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
create policy avatars_own on storage.objects for select to authenticated
  using (bucket_id = 'avatars' and owner_id = (select auth.uid())::text);
```

## References
- [Supabase Storage: Access control](https://supabase.com/docs/guides/storage/security/access-control)
- [Supabase database linter: public_bucket_allows_listing](https://supabase.com/docs/guides/database/database-linter?lint=0025_public_bucket_allows_listing)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding


@rule(
    "SK504",
    "public-bucket-allows-listing",
    "warning",
    summary="live-only: a public storage bucket has a SELECT policy that lets any client list it",
    counterpart="0025_public_bucket_allows_listing",
    help="drop the broad SELECT policy (public URLs work without it) or scope it to the owner",
    live=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    """Decided by the database: sqlkit.live.checks.public_buckets_listing."""
    yield from ()
