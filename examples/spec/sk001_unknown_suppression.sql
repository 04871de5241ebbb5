-- expect: SK001, SK001
-- SPEC: "a suppression names an unknown code, or suppresses nothing".

-- sqlkit: ignore SK999 -- no such rule
select 1;
-- sqlkit: ignore SK113 -- nothing here selects *
create function public.f() returns int language sql stable set search_path = '' as $$ select 1 $$;
