-- expect: SK112, SK112, SK112
-- SPEC: printf-style specifiers (%s, %d, %.2f) or placeholders that do not match the arguments.

create function public.f(a int, b numeric) returns void language plpgsql stable set search_path = '' as $$
begin
  raise notice 'a=%s', a;
  raise notice 'a=%d b=%.2f', a, b;
  raise notice 'a=% b=% (100%%)', a, b;
end $$;

create function public.g(a int) returns void language plpgsql stable set search_path = '' as $$
begin
  raise notice 'a=% b=%', a;
end $$;
