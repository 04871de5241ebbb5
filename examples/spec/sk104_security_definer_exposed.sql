-- expect: SK104
-- SPEC: a definer function in an exposed schema executable by PUBLIC or anon (also via default
-- privileges); an explicit GRANT ... TO authenticated is intent and does not fire.

-- definer: reads rows the caller's RLS hides
create function public.exposed() returns int language sql stable security definer set search_path = '' as $$ select 1 $$;

-- definer: reads rows the caller's RLS hides
create function public.intended() returns int language sql stable security definer set search_path = '' as $$ select 1 $$;
revoke execute on function public.intended() from public, anon;
grant execute on function public.intended() to authenticated;
