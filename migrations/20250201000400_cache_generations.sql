-- sqlkit: lock-timeout=5s
-- The cache learns single flight and stale-while-revalidate (functions/cache/): entries get a
-- stale window and a generation (how many invalidations they have seen), and stale answers are
-- counted apart from fresh hits. Adding a nullable column, or one with a constant default, is a
-- catalog-only change: no table rewrite.
alter table private.query_cache add column if not exists stale_until timestamptz;
alter table private.query_cache add column if not exists generation bigint not null default 0;
create sequence if not exists private.query_cache_stale_hits;
revoke all on sequence private.query_cache_stale_hits from public, anon, authenticated, service_role;
