-- expect: SK408
-- SPEC: CLUSTER (like VACUUM FULL) rewrites an existing table under ACCESS EXCLUSIVE.
-- sqlkit: lock-timeout=5s

cluster public.orders using orders_pkey;
