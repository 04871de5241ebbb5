-- create_user_with_profile: the auth user and the profile (or student record) in one transaction;
-- only service_role or an active admin (token claim and profile both) may call it.
create temporary table made (label text primary key, id uuid) on commit drop;
grant all on made to authenticated, service_role;

select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
insert into made values ('staff', public.create_user_with_profile('New.Staff@Example.com ', 'Nora New', 'Staff'));
insert into made values ('client_staff', public.create_user_with_profile('cs@client-b.example', 'Cleo Client', 'ClientStaff', '00000000-0000-0000-0000-00000000c11b'));
insert into made values ('student', public.create_user_with_profile('s9@client-a.example', 'Stu Nine', 'Student', '00000000-0000-0000-0000-00000000c11a'));
select sqlkit_test.clear_authentication();
do $$
declare
  v_staff uuid := (select id from made where label = 'staff');
begin
  assert (select u.email from auth.users u where u.id = v_staff) = 'new.staff@example.com', 'auth user, email normalised';
  assert (select p.role || '/' || p.full_name from public.profiles p where p.id = v_staff) = 'Staff/Nora New', 'its profile';
  assert (select p.client_id from public.profiles p where p.id = (select id from made where label = 'client_staff'))
         = '00000000-0000-0000-0000-00000000c11b', 'client staff with their client';
  assert (select s.client_id from public.students s where s.id = (select id from made where label = 'student'))
         = '00000000-0000-0000-0000-00000000c11a', 'a student record for a student';
  assert not exists (select 1 from public.profiles p where p.id = (select id from made where label = 'student')), 'and no profile';
  assert (public.custom_access_token_hook(jsonb_build_object('user_id', v_staff, 'claims', '{}'::jsonb)) -> 'claims' ->> 'user_role') = 'staff',
    'the new user gets their role in the next token';
end $$;

-- atomic: a profile that cannot be written leaves no auth user behind
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
do $$ begin
  begin
    perform public.create_user_with_profile('orphan@example.com', 'Orphan', 'ClientStaff', '00000000-0000-0000-0000-0000000000ff');
    raise exception 'a profile with an unknown client was created';
  exception when foreign_key_violation then null;
  end;
  begin
    perform public.create_user_with_profile('new.staff@example.com', 'Twice', 'Staff');
    raise exception 'a second user with the same email';
  exception when unique_violation then null;
  end;
  begin
    perform public.create_user_with_profile('x@example.com', 'X', 'Owner');
    raise exception 'an unknown role was accepted';
  exception when invalid_parameter_value then null;
  end;
end $$;
select sqlkit_test.clear_authentication();
do $$ begin
  assert not exists (select 1 from auth.users u where u.email = 'orphan@example.com'), 'no auth user without its profile';
end $$;

-- service_role (a trusted server) may call it
select sqlkit_test.authenticate_as_service_role();
insert into made values ('by_service', public.create_user_with_profile('svc@example.com', 'Made By Server', 'Viewer'));
select sqlkit_test.clear_authentication();

-- nobody else: staff, client staff, students, an admin claim without an active Admin profile, anon
do $$
declare
  claims jsonb;
begin
  foreach claims in array array[
    '{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}',
    '{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}',
    '{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "student"}',
    '{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "admin"}',
    '{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "admin"}'
  ]::jsonb[] loop
    perform sqlkit_test.authenticate_as(claims);
    begin
      perform public.create_user_with_profile('intruder@example.com', 'Intruder', 'Admin');
      raise exception 'created a user as %', claims;
    exception when insufficient_privilege then null;
    end;
    perform sqlkit_test.clear_authentication();
  end loop;
  -- an admin whose profile was deactivated keeps the claim until the token expires: refused
  update public.profiles set is_active = false where id = '00000000-0000-0000-0000-0000000000a1';
  perform sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
  begin
    perform public.create_user_with_profile('late@example.com', 'Too Late', 'Admin');
    raise exception 'a deactivated admin created a user';
  exception when insufficient_privilege then null;
  end;
  perform sqlkit_test.authenticate_as('{"role": "anon"}');
  begin
    perform public.create_user_with_profile('anon@example.com', 'Anon', 'Admin');
    raise exception 'anon created a user';
  exception when insufficient_privilege then null;
  end;
  perform sqlkit_test.clear_authentication();
  update public.profiles set is_active = true where id = '00000000-0000-0000-0000-0000000000a1';
  assert not exists (select 1 from auth.users u where u.email in ('intruder@example.com', 'late@example.com', 'anon@example.com')),
    'nothing created by the refused callers';
end $$;
