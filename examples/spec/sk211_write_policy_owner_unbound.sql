-- expect: SK211
-- SPEC: the table's policies bind an owner column to auth.uid(), but a permissive INSERT/UPDATE
-- policy for API roles does not constrain it: users can write rows owned by someone else.

create table public.likes (post_id bigint, user_id uuid, primary key (post_id, user_id));
alter table public.likes enable row level security;
create policy likes_read on public.likes for select to authenticated using ((select auth.uid()) = user_id);
create policy likes_insert on public.likes for insert to authenticated
  with check (post_id is not null);
