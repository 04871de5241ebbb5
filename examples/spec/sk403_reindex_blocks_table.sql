-- expect: SK403
-- SPEC: REINDEX without CONCURRENTLY locks the indexes against readers.
-- sqlkit: lock-timeout=5s

reindex table public.orders;
