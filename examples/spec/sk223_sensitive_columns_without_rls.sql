-- expect: SK201, SK201, SK223
-- Issue 17 / splinter 0023: a table readable through the API without RLS, with sensitive-looking columns.

create table public.integrations (id bigint primary key, api_key text);
create table public.settings (id bigint primary key, password_policy text);
create table public.credentials (id bigint primary key, password_hash text);
alter table public.credentials enable row level security;
create policy credentials_none on public.credentials for select to authenticated using (false);
