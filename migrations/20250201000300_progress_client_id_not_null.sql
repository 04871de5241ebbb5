-- sqlkit: no-transaction
-- Step 3 of 3 (see 20250201000100): client_id becomes NOT NULL without a long ACCESS EXCLUSIVE
-- lock. Each statement commits on its own:
--   a CHECK added NOT VALID (brief lock, no scan);
--   VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes go on);
--   SET NOT NULL then needs no scan: PostgreSQL (12+) proves it from the validated CHECK;
--   the CHECK is dropped, and the foreign key of step 1 is validated the same way.
set lock_timeout = '5s';

alter table public.student_module_progress drop constraint if exists student_module_progress_client_id_present;
alter table public.student_module_progress
  add constraint student_module_progress_client_id_present check (client_id is not null) not valid;
alter table public.student_module_progress validate constraint student_module_progress_client_id_present;
alter table public.student_module_progress alter column client_id set not null;
alter table public.student_module_progress drop constraint student_module_progress_client_id_present;
alter table public.student_module_progress validate constraint student_module_progress_client_id_fkey;

reset lock_timeout;
