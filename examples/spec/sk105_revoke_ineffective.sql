-- expect: SK105
-- SPEC: REVOKE EXECUTE ... FROM r while PUBLIC still holds EXECUTE, so r keeps it.

create function public.f() returns int language sql stable set search_path = '' as $$ select 1 $$;
revoke execute on function public.f() from anon;
