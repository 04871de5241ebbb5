-- expect: SK416
-- SPEC: ACCESS EXCLUSIVE on an existing table with no lock_timeout (once per file).

alter table public.orders add column note text;
alter table public.orders add column tag text;
