-- expect: SK109
-- SPEC: a non-trigger function left VOLATILE only reads and calls no volatile function
-- (random(), clock_timestamp(), nextval(), pg_sleep, volatile project functions).

create function public.reader() returns bigint language sql set search_path = ''
as $$ select count(*) from public.students $$;

create function public.roll() returns float8 language sql set search_path = '' as $$ select random() $$;
create function public.tick() returns timestamptz language sql set search_path = '' as $$ select clock_timestamp() $$;
create function public.next_id() returns bigint language sql set search_path = '' as $$ select nextval('public.ids') $$;
create function public.nap() returns void language sql set search_path = '' as $$ select pg_sleep(1) $$;
create function public.uses_roll() returns float8 language sql set search_path = '' as $$ select public.roll() $$;
