-- 2. The custom access token hook: a staff profile, a student without profile, an unknown
--    user; the claims the auth server put in are kept; students get their job-readiness level
--    and tier (promotions show at the next token). It runs as supabase_auth_admin.
set local role supabase_auth_admin;

do $$
declare
  base jsonb := '{"aud": "authenticated", "exp": 1900000000, "iat": 1800000000, "sub": "x", "email": "e", "phone": "", "role": "authenticated", "aal": "aal1", "session_id": "s", "is_anonymous": false}';
  c jsonb;
begin
  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-0000000000a2', 'claims', base)) -> 'claims';
  assert c ->> 'user_role' = 'staff' and c -> 'client_id' = 'null'::jsonb, 'staff profile';
  assert (c ->> 'profile_is_active')::boolean and not (c ->> 'is_student')::boolean, 'staff flags';
  assert c @> base, 'every required claim is kept';

  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-0000000000ca', 'claims', base)) -> 'claims';
  assert c ->> 'user_role' = 'client_staff' and c ->> 'client_id' = '00000000-0000-0000-0000-00000000c11a', 'ClientStaff -> client_staff with client';

  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-0000000000b1', 'claims', base)) -> 'claims';
  assert c ->> 'user_role' = 'student' and (c ->> 'is_student')::boolean, 'student without profile';
  assert c ->> 'client_id' = '00000000-0000-0000-0000-00000000c11a' and (c ->> 'profile_is_active')::boolean, 'student client and active flag';

  assert (c ->> 'job_readiness_star_level')::int = 0 and c ->> 'job_readiness_tier' = 'BRONZE', 'a student''s level and tier';

  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-0000000000a2', 'claims', base)) -> 'claims';
  assert c -> 'job_readiness_star_level' = 'null'::jsonb and c -> 'job_readiness_tier' = 'null'::jsonb, 'staff: no job-readiness claims';

  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-000000000099', 'claims', base)) -> 'claims';
  assert c ? 'job_readiness_tier' and c -> 'job_readiness_tier' = 'null'::jsonb, 'unknown user: null tier, claim present';
  assert c ->> 'user_role' = 'student' and not (c ->> 'is_student')::boolean, 'unknown user: default role, not a student';
  assert c -> 'client_id' = 'null'::jsonb and not (c ->> 'profile_is_active')::boolean, 'unknown user: no client, inactive';
  assert c @> base, 'claims kept for an unknown user too';
end $$;

reset role;
-- a promoted student's next token carries the new tier and level
update public.students set job_readiness_tier = 'GOLD', job_readiness_star_level = 4
where id = '00000000-0000-0000-0000-0000000000b3';
set local role supabase_auth_admin;
do $$
declare
  c jsonb := public.custom_access_token_hook('{"user_id": "00000000-0000-0000-0000-0000000000b3", "claims": {"role": "authenticated"}}') -> 'claims';
begin
  assert c ->> 'job_readiness_tier' = 'GOLD' and (c ->> 'job_readiness_star_level')::int = 4, 'promotion reaches the token';
  assert c ->> 'client_id' = '00000000-0000-0000-0000-00000000c11b' and (c ->> 'is_student')::boolean, 'with the other claims';
end $$;
reset role;
-- API roles cannot call the hook
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "student"}');
do $$ begin
  begin
    perform public.custom_access_token_hook('{"user_id": "00000000-0000-0000-0000-0000000000b1", "claims": {}}');
    raise exception 'authenticated could call the hook';
  exception when insufficient_privilege then null;
  end;
end $$;
