-- expect: SK411
-- SPEC: ADD UNIQUE builds its index under ACCESS EXCLUSIVE; USING INDEX does not.
-- sqlkit: lock-timeout=5s

alter table public.orders add constraint orders_number_key unique (number);
alter table public.orders add constraint orders_ref_key unique using index orders_ref_key;
