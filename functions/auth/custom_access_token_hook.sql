-- The custom access token hook: the claims the application reads, added to what the auth server
-- sent (every claim it put in is kept):
--   user_role            admin | staff | viewer | client_staff (from the profile; ClientStaff
--                        becomes client_staff), or student when the user has no profile
--   client_id            the profile's client, or the student's client
--   profile_is_active    the profile's (or student record's) is_active; false for unknown users
--   is_student           true when a student record exists
--   job_readiness_star_level, job_readiness_tier
--                        the student's job-readiness level and tier (BRONZE | SILVER | GOLD);
--                        null for staff and unknown users
-- Hand-written rather than rendered from the auth-hook template, which writes only the first four
-- claims. The tier changes (submit_assessment promotes BRONZE to SILVER) reach the token at its
-- next refresh: the application shows them, the database never authorises on them.
-- SECURITY INVOKER: the auth server calls it as supabase_auth_admin, which is granted exactly
-- what it reads (select and a policy on profiles and students).
create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $fn$
declare
  v_user_id uuid := (event ->> 'user_id')::uuid;
  v_claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  v_role text;
  v_client_id uuid;
  v_active boolean;
  v_is_student boolean := false;
  v_star_level integer;
  v_tier text;
begin
  -- staff first: 'ClientStaff' becomes 'client_staff'
  select lower(regexp_replace(p.role, '([a-z])([A-Z])', '\1_\2', 'g')), p.client_id, p.is_active
    into v_role, v_client_id, v_active
  from public.profiles p
  where p.id = v_user_id;
  if not found then
    select s.client_id, s.is_active, s.job_readiness_star_level, s.job_readiness_tier
      into v_client_id, v_active, v_star_level, v_tier
    from public.students s
    where s.id = v_user_id;
    v_is_student := found;
    v_role := 'student';
  end if;
  v_claims := v_claims || jsonb_build_object(
    'user_role', v_role,
    'client_id', v_client_id,
    'profile_is_active', coalesce(v_active, false),
    'is_student', v_is_student,
    'job_readiness_star_level', v_star_level,
    'job_readiness_tier', v_tier
  );
  return jsonb_set(event, '{claims}', v_claims);
end
$fn$;

grant usage on schema public to supabase_auth_admin;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant select on table public.profiles, public.students to supabase_auth_admin;
drop policy if exists auth_admin_reads_profiles on public.profiles;
create policy auth_admin_reads_profiles on public.profiles for select to supabase_auth_admin using (true);
drop policy if exists auth_admin_reads_students on public.students;
create policy auth_admin_reads_students on public.students for select to supabase_auth_admin using (true);
