-- expect: SK409
-- SPEC: a foreign key validated while writes wait; NOT VALID is fine.
-- sqlkit: lock-timeout=5s

alter table public.orders add constraint orders_customer_fkey
  foreign key (customer_id) references public.customers (id);
alter table public.orders add constraint orders_total_check check (total >= 0) not valid;
