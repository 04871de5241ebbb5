-- expect: SK407
-- SPEC: SET LOGGED rewrites an existing table.
-- sqlkit: lock-timeout=5s

alter table public.page_views set logged;
