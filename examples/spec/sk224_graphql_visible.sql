-- expect: SK224
-- Issue 17 / splinter 0026, 0027: with pg_graphql enabled, a table visible in GraphQL to anon or authenticated.

create extension if not exists pg_graphql;
create table public.notes (id bigint primary key, body text);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated using (true);
create table public.secrets (id bigint primary key, body text);
alter table public.secrets enable row level security;
create policy secrets_none on public.secrets for select to authenticated using (false);
revoke select on public.secrets from anon, authenticated;
