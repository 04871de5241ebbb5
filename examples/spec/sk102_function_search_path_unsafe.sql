-- expect: SK102, SK102
-- SPEC: "search_path is set to a value not in allowed_search_paths (e.g. public, "$user", public)".

create function public.a() returns int language sql stable set search_path = public as $$ select 1 $$;
create function public.b() returns int language sql stable set search_path = "$user", public as $$ select 1 $$;
create function public.c() returns int language sql stable set search_path = pg_catalog, pg_temp as $$ select 1 $$;
