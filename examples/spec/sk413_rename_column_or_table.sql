-- expect: SK413, SK413
-- SPEC: renaming a column or a table breaks the running application.
-- sqlkit: lock-timeout=5s

alter table public.profiles rename column nickname to display_name;
alter table public.profiles rename to members;
