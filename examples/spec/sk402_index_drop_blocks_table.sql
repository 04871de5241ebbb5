-- expect: SK402
-- SPEC: DROP INDEX without CONCURRENTLY blocks every query on its table while it waits.
-- sqlkit: lock-timeout=5s

drop index public.orders_status_idx;
drop index if exists public.maybe_there_idx;
