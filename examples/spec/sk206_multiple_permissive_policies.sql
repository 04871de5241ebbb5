-- expect: SK206
-- SPEC: two or more permissive policies for the same table, role and command (once per group).

create table public.notes (id bigint primary key, owner_id uuid, is_public boolean);
alter table public.notes enable row level security;
create policy notes_own on public.notes for select to authenticated using ((select auth.uid()) = owner_id);
create policy notes_public on public.notes for select to authenticated using (is_public);
