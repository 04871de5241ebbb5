-- 2. The custom access token hook: a staff profile, a student without profile, an unknown
--    user; the claims the auth server put in are kept. It runs as supabase_auth_admin.
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

  c := public.custom_access_token_hook(jsonb_build_object('user_id', '00000000-0000-0000-0000-000000000099', 'claims', base)) -> 'claims';
  assert c ->> 'user_role' = 'student' and not (c ->> 'is_student')::boolean, 'unknown user: default role, not a student';
  assert c -> 'client_id' = 'null'::jsonb and not (c ->> 'profile_is_active')::boolean, 'unknown user: no client, inactive';
  assert c @> base, 'claims kept for an unknown user too';
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
