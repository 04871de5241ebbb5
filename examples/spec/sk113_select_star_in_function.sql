-- expect: SK113, SK113
-- SPEC: SELECT * (or t.*) in a function body, once per offending statement.

create function public.f() returns setof public.students language sql stable set search_path = ''
as $$
  select * from public.students;
  select s.* from public.students s;
  select s.id, s.client_id, s.full_name, s.is_active, s.created_at from public.students s
    where exists (select * from public.students);
$$;
