-- expect: SK222
-- Issue 17 / splinter 0021: a foreign key to a unique constraint in the auth schema.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email varchar(255) references auth.users (email)
);
alter table public.profiles enable row level security;
create policy profiles_self on public.profiles for select to authenticated
  using ((select auth.uid()) = id);
create index on public.profiles (email);
