-- expect: SK124
-- SPEC: a PL/pgSQL function whose RETURNS TABLE column is also a column its query reads:
-- created without complaint, refused with "column reference is ambiguous" on every call.

create schema app;
create table app.members (id uuid primary key, team_id uuid not null, role text not null);

create function app.team_members(p_team uuid) returns table (id uuid, role text)
language plpgsql stable set search_path = '' as $$
begin
  return query select m.id, m.role from app.members m where m.team_id = p_team;
end $$;

create function app.team_roles(p_team uuid) returns table (team_id uuid, role text)
language plpgsql stable set search_path = '' as $$
begin
  return query select m.team_id, m.role from app.members m where team_id = p_team;
end $$;
