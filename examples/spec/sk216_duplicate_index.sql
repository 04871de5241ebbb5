-- expect: SK216
-- Issue 17 / splinter 0009: two indexes on one table with the same definition.

create table public.profiles (id uuid primary key, email text unique, name text);
alter table public.profiles enable row level security;
create policy profiles_read on public.profiles for select to authenticated using (true);
create unique index profiles_email_idx on public.profiles (email);
create index on public.profiles (name);
create index on public.profiles (lower(name));
