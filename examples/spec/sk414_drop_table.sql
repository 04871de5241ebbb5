-- expect: SK414
-- SPEC: DROP TABLE of a table the migration did not create.
-- sqlkit: lock-timeout=5s

drop table public.legacy_orders;
drop table if exists public.maybe_there;
