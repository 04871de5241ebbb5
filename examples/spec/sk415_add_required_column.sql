-- expect: SK415
-- SPEC: ADD COLUMN NOT NULL without a default fails on a table with rows.
-- sqlkit: lock-timeout=5s

alter table public.orders add column currency text not null;
alter table public.orders add column region text not null default 'eu';
