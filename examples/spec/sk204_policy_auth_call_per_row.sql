-- expect: SK204
-- SPEC: auth.uid()/jwt()/role()/email() or current_setting() outside (select ...) runs per row.

create table public.notes (id bigint primary key, owner_id uuid, client_id uuid);
alter table public.notes enable row level security;
create policy notes_owner on public.notes for select to authenticated
  using (auth.uid() = owner_id or client_id = (select (auth.jwt() ->> 'client_id')::uuid));
create policy notes_write on public.notes for insert to authenticated
  with check ((select auth.uid()) = owner_id);
