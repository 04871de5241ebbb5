-- expect: SK406
-- SPEC: ADD COLUMN with a volatile default rewrites; a constant one does not.
-- sqlkit: lock-timeout=5s

alter table public.orders add column public_id uuid default gen_random_uuid();
alter table public.orders add column status text default 'new';
