-- expect: SK106, SK106, SK107
-- SPEC: unqualified non-builtin names under search_path = '' in SQL and PL/pgSQL bodies;
-- BEGIN ATOMIC bodies resolve at creation with the session path, so they get SK107 instead.

create function public.a() returns bigint language sql stable set search_path = ''
as $$ select count(*) from students $$;

create function public.b() returns bigint language plpgsql stable set search_path = '' as $$
begin
  return (select count(*) from students);
end $$;

create function public.c() returns bigint language sql stable set search_path = ''
begin atomic
  select count(*) from students;
end;
