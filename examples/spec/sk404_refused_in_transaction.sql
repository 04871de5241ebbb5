-- expect: SK404
-- SPEC: CONCURRENTLY in a file apply runs in a transaction.

create index concurrently orders_customer_idx on public.orders (customer_id);
