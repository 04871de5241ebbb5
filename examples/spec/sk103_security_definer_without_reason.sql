-- expect: SK103
-- SPEC: no 4+ word comment on the SECURITY DEFINER line, nor a comment block above mentioning "definer".

create function private.a() returns int language sql stable security definer set search_path = '' as $$ select 1 $$;

-- Definer: it must count rows the caller's RLS hides.
create function private.b() returns int language sql stable security definer set search_path = '' as $$ select 1 $$;

create function private.c() returns int language sql stable
  security definer -- counts rows the caller cannot see
  set search_path = '' as $$ select 1 $$;
