-- expect: SK209
-- SPEC: a view in an exposed schema lacks security_invoker = true.

create table public.students (id uuid primary key, full_name text);
alter table public.students enable row level security;
create policy students_self on public.students for select to authenticated using ((select auth.uid()) = id);
create view public.student_names as select s.id, s.full_name from public.students s;
create view public.student_names_ok with (security_invoker = true) as select s.id, s.full_name from public.students s;
