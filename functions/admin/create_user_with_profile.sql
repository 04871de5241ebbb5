-- Security definer: it writes auth.users, which API roles cannot, and a profile or student row
-- whatever the caller may write under RLS. Who may call it ("the admin role"):
--   * service_role (a trusted server holding the service key), or
--   * an authenticated user whose token says user_role = 'admin' AND whose profile is, right now,
--     an active Admin (a token stays valid for up to an hour after a demotion; the table decides).
-- EXECUTE is granted to authenticated and service_role only; everyone else is refused inside.
-- One call is one transaction: the auth user and the profile (or student record) are created
-- together or not at all. No password is set here: passwords belong to the auth server, and the
-- new user signs in through an invite or password-reset link.
create or replace function public.create_user_with_profile(
  p_email text,
  p_full_name text,
  p_role text,
  p_client_id uuid default null
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $fn$
declare
  v_caller uuid := (select auth.uid());
  v_user_id uuid := gen_random_uuid();
  v_email text := lower(btrim(p_email));
begin
  if not (
    (select auth.role()) = 'service_role'
    or ((select auth.jwt() ->> 'user_role') = 'admin'
        and exists (select 1 from public.profiles p
                    where p.id = v_caller and p.role = 'Admin' and p.is_active))
  ) then
    raise exception 'only an active admin may create users' using errcode = '42501';
  end if;
  if p_role is null or p_role not in ('Admin', 'Staff', 'Viewer', 'ClientStaff', 'Student') then
    raise exception 'role must be Admin, Staff, Viewer, ClientStaff or Student, got %', p_role
      using errcode = '22023';
  end if;
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
    raise exception 'not an email address: %', p_email using errcode = '22023';
  end if;
  if nullif(btrim(p_full_name), '') is null then
    raise exception 'a full name is required' using errcode = '22023';
  end if;
  if p_role in ('ClientStaff', 'Student') and p_client_id is null then
    raise exception '% needs a client', p_role using errcode = '22023';
  end if;
  if exists (select 1 from auth.users u where lower(u.email) = v_email) then
    raise exception 'a user with email % exists', v_email using errcode = '23505';
  end if;

  insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data,
                          created_at, updated_at)
  values ('00000000-0000-0000-0000-000000000000', v_user_id, 'authenticated', 'authenticated', v_email,
          jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')),
          jsonb_build_object('full_name', btrim(p_full_name)), now(), now());

  if p_role = 'Student' then
    insert into public.students (id, client_id, full_name, email)
    values (v_user_id, p_client_id, btrim(p_full_name), v_email);
  else
    insert into public.profiles (id, full_name, role, client_id)
    values (v_user_id, btrim(p_full_name), p_role, p_client_id);
  end if;
  return v_user_id;
end
$fn$;

revoke execute on function public.create_user_with_profile(text, text, text, uuid) from public, anon;
grant execute on function public.create_user_with_profile(text, text, text, uuid) to authenticated, service_role;
