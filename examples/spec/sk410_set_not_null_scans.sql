-- expect: SK410
-- SPEC: SET NOT NULL without a validated check scans the table under ACCESS EXCLUSIVE.
-- sqlkit: lock-timeout=5s

alter table public.orders alter column customer_id set not null;
