-- expect: SK208
-- SPEC: a policy reads user_metadata / raw_user_meta_data, which users can edit.

create table public.notes (id bigint primary key);
alter table public.notes enable row level security;
create policy notes_staff on public.notes for select to authenticated
  using ((select auth.jwt() -> 'user_metadata' ->> 'role') = 'staff');
