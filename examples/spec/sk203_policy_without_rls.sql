-- expect: SK201, SK203
-- SPEC: a policy exists on a table whose RLS is off (and the table is exposed: SK201 too).

create table public.notes (id bigint primary key, owner_id uuid);
create policy notes_owner on public.notes for select to authenticated using ((select auth.uid()) = owner_id);
