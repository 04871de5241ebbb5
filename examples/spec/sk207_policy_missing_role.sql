-- expect: SK207
-- SPEC: CREATE POLICY without TO, so it applies to PUBLIC, anon included.

create table public.notes (id bigint primary key, owner_id uuid);
alter table public.notes enable row level security;
create policy notes_own on public.notes for select using ((select auth.uid()) = owner_id);
