-- expect: SK412
-- SPEC: DROP COLUMN breaks the running application.
-- sqlkit: lock-timeout=5s

alter table public.profiles drop column nickname;
