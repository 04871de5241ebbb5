-- expect: SK110, SK110
-- SPEC: an API-executable definer function takes an identity-like parameter or reads auth.users
-- and never consults the caller's identity.

-- definer: writes submissions students cannot insert
create function public.submit(p_student_id uuid, p_score int) returns void language sql
security definer set search_path = ''
as $$ insert into public.submissions (student_id, score) values (p_student_id, p_score) $$;
revoke execute on function public.submit(uuid, int) from public, anon;
grant execute on function public.submit(uuid, int) to authenticated;

-- definer: reads auth.users, which API roles cannot select
create function public.emails() returns setof text language sql stable security definer set search_path = ''
as $$ select u.email from auth.users u $$;
revoke execute on function public.emails() from public, anon;
grant execute on function public.emails() to authenticated;

-- definer: reads auth.users, which API roles cannot select
create function public.my_email() returns text language sql stable security definer set search_path = ''
as $$ select u.email from auth.users u where u.id = (select auth.uid()) $$;
revoke execute on function public.my_email() from public, anon;
grant execute on function public.my_email() to authenticated;
