-- sqlkit_test: helpers for verification tests (installed in the scratch database only).
create schema if not exists sqlkit_test;
grant usage on schema sqlkit_test to public;

-- Act as an API caller for the rest of the transaction: role and JWT claims, as PostgREST sets them.
create or replace function sqlkit_test.authenticate_as(claims jsonb) returns void
language plpgsql set search_path = '' as $$
declare
  target_role text := coalesce(claims ->> 'role', 'authenticated');
begin
  perform pg_catalog.set_config('request.jwt.claims', claims::text, true);
  perform pg_catalog.set_config('request.jwt.claim.sub', coalesce(claims ->> 'sub', ''), true);
  perform pg_catalog.set_config('request.jwt.claim.role', target_role, true);
  perform pg_catalog.set_config('request.jwt.claim.email', coalesce(claims ->> 'email', ''), true);
  if exists (select 1 from pg_catalog.pg_roles where rolname = target_role) then
    perform pg_catalog.set_config('role', target_role, true);
  end if;
end $$;

create or replace function sqlkit_test.authenticate_as_service_role() returns void
language sql set search_path = '' as $$
  select sqlkit_test.authenticate_as('{"role": "service_role"}'::jsonb)
$$;

-- Back to the session's own role, with no claims.
create or replace function sqlkit_test.clear_authentication() returns void
language plpgsql set search_path = '' as $$
begin
  perform pg_catalog.set_config('role', 'none', true);
  perform pg_catalog.set_config('request.jwt.claims', '', true);
  perform pg_catalog.set_config('request.jwt.claim.sub', '', true);
  perform pg_catalog.set_config('request.jwt.claim.role', '', true);
  perform pg_catalog.set_config('request.jwt.claim.email', '', true);
end $$;

grant execute on all functions in schema sqlkit_test to public;
