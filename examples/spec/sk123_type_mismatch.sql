-- expect: SK123, SK123
-- SPEC: values of certain types that PostgreSQL cannot compare or store: a view's comparison
-- when it is created; a function body's INSERT at the end of the project.

create schema app;
create table app.notes (id bigint primary key, owner uuid not null, body text);
create view app.mine as
  select id, body from app.notes where owner = current_setting('app.user_id')::text;

create function app.add_note(p_id bigint, p_owner text, p_body text) returns void
language sql set search_path = '' as $$
  insert into app.notes (id, owner, body) values (p_id, p_owner, p_body)
$$;
