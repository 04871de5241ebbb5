-- expect: SK215
-- Issue 17 / splinter 0004: a table in an exposed schema without a primary key.

create table public.events (user_id uuid, kind text);
alter table public.events enable row level security;
create policy events_read on public.events for select to authenticated using (true);
create table public.tagged (id bigint generated always as identity primary key, tag text);
alter table public.tagged enable row level security;
create policy tagged_read on public.tagged for select to authenticated using (true);
create table private.log (at timestamptz, line text);
