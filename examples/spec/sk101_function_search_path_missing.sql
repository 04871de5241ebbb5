-- expect: SK101
-- SPEC: "no SET search_path, and no later ALTER FUNCTION ... SET search_path fixes it".

create function public.a() returns int language sql stable as $$ select 1 $$;
create function public.b() returns int language sql stable as $$ select 2 $$;
alter function public.b() set search_path = '';
