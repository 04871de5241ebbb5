-- expect: SK401
-- SPEC: CREATE INDEX without CONCURRENTLY on a table the migration did not create.
-- sqlkit: lock-timeout=5s

create index orders_customer_idx on public.orders (customer_id);
create schema private;
create table private.notes (id bigint primary key, order_id bigint);
create index notes_order_idx on private.notes (order_id);
