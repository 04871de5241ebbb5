-- expect: SK201
-- SPEC: a table in an exposed schema never gets ENABLE ROW LEVEL SECURITY.

create table public.open_notes (id bigint primary key, body text);
create table public.closed_notes (id bigint primary key, body text);
alter table public.closed_notes enable row level security;
create policy closed_notes_read on public.closed_notes for select to authenticated using (true);
create table private.internal (id bigint primary key);
