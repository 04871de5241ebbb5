-- expect: SK113, SK113
-- SPEC: SELECT * (or t.*) in a function body, once per offending statement (not where a
-- declared type fixes the shape: RETURNS SETOF t filled from t, an INTO t%ROWTYPE, AS x(a int)).

create function public.f()
returns table (id uuid, client_id uuid, full_name text, is_active boolean, created_at timestamptz)
language sql stable set search_path = ''
as $$
  select * from public.students;
  select s.* from public.students s;
  select s.id, s.client_id, s.full_name, s.is_active, s.created_at from public.students s
    where exists (select * from public.students);
$$;
