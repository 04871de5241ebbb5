-- expect: SK205
-- SPEC: USING (true) on UPDATE/DELETE/ALL or WITH CHECK (true) on INSERT/UPDATE/ALL for
-- anon/authenticated/PUBLIC; SELECT true is allowed.

create table public.notes (id bigint primary key);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to anon using (true);
create policy notes_update on public.notes for update to authenticated using (true);
