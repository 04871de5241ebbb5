-- expect: SK202
-- SPEC: RLS is on and no policy exists (in an exposed schema).

create table public.locked (id bigint primary key);
alter table public.locked enable row level security;
