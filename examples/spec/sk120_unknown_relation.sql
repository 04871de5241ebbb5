-- expect: SK120, SK120
-- SPEC: a relation that does not exist where PostgreSQL binds the name: a view when it is
-- created; a function body stored as text at the end of the project (a later drop breaks it).

create schema app;
create table app.orders (id bigint primary key, total numeric);
create view app.big_orders as select o.id from app.order o where o.total > 100;

create table app.order_archive (id bigint, total numeric);
create function app.archived_total() returns numeric
language sql stable set search_path = '' as $$
  select sum(total) from app.order_archive
$$;
drop table app.order_archive;
