-- expect: SK122, SK122
-- SPEC: a call that no function takes, by name and number of arguments: a view's when it is
-- created; a function body's at the end of the project (a later DROP FUNCTION breaks it).

create schema app;
create table app.orders (id bigint primary key, total numeric);
create function app.fee(p numeric, rate numeric default 0.1) returns numeric
language sql immutable set search_path = '' as $$ select p * rate $$;
create view app.fees as select id, app.fee(total, 0.2, 5) as fee from app.orders;

create function app.log_order(p_id bigint) returns void
language sql set search_path = '' as $$ select $$;
create function app.place_order(p_id bigint) returns void
language plpgsql set search_path = '' as $$
begin
  perform app.log_order(p_id);
end $$;
drop function app.log_order(bigint);
