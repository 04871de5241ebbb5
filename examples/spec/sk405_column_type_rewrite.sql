-- expect: SK405
-- SPEC: a type change that rewrites; the same change on a table created here does not matter.
-- sqlkit: lock-timeout=5s

alter table public.orders alter column id type bigint;
create schema private;
create table private.notes (id integer primary key, body varchar(100));
alter table private.notes alter column id type bigint, alter column body type text;
