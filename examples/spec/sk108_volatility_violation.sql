-- expect: SK108, SK108
-- SPEC: a STABLE/IMMUTABLE function that writes, or calls a project function that is VOLATILE and writes.

create function public.bump() returns void language sql set search_path = ''
as $$ update public.counters set n = n + 1 $$;

create function public.read_and_bump() returns int language plpgsql stable set search_path = '' as $$
begin perform public.bump(); return 1; end $$;

create function public.clear() returns void language sql immutable set search_path = ''
as $$ delete from public.counters $$;
