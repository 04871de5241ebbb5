-- The client dashboard's "recent activity per client" needs client_id on student_module_progress
-- (an index range scan on (client_id, last_updated desc) instead of reading every progress row of
-- every student under RLS). Added in three steps that are safe on a live table:
--   1. this file: a nullable column without a default (a catalog-only change, no table rewrite)
--      and the triggers that fill it for every row written from now on;
--   2. 20250201000200: backfill of older rows in committed batches, then the index, built
--      concurrently (a no-transaction file);
--   3. 20250201000300: NOT NULL through a CHECK added NOT VALID and validated separately, and the
--      foreign key validated the same way.
-- ACCESS EXCLUSIVE is needed only for the ALTER TABLE and CREATE TRIGGER statements and only
-- briefly; lock_timeout makes them give up instead of queueing behind a long transaction (and
-- making every reader queue behind them).
set local lock_timeout = '5s';

alter table public.student_module_progress add column if not exists client_id uuid;
alter table public.student_module_progress drop constraint if exists student_module_progress_client_id_fkey;
alter table public.student_module_progress
  add constraint student_module_progress_client_id_fkey
  foreign key (client_id) references public.clients (id) not valid;

-- Security definer: the row's client is the student's client whoever writes the row (a student
-- recording progress cannot choose it), read with FOR SHARE so that a concurrent move of the
-- student to another client is either seen or waits for this row. A trigger function cannot be
-- called directly, so this grants nothing else.
create or replace function private.student_module_progress_set_client_id()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $fn$
begin
  new.client_id := (
    select s.client_id from public.students s where s.id = new.student_id for share
  );
  return new;
end
$fn$;

-- Security definer: moving a student to another client moves their progress rows with them,
-- whatever the mover may write under RLS; a trigger function cannot be called directly.
create or replace function private.students_move_progress_client_id()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $fn$
begin
  update public.student_module_progress p
  set client_id = new.client_id
  where p.student_id = new.id;
  return null;
end
$fn$;

revoke execute on function private.student_module_progress_set_client_id(),
  private.students_move_progress_client_id() from public, anon, authenticated, service_role;

drop trigger if exists student_module_progress_client_id on public.student_module_progress;
create trigger student_module_progress_client_id
  before insert or update of student_id, client_id on public.student_module_progress
  for each row execute function private.student_module_progress_set_client_id();

drop trigger if exists students_move_progress on public.students;
create trigger students_move_progress
  after update of client_id on public.students
  for each row when (old.client_id is distinct from new.client_id)
  execute function private.students_move_progress_client_id();
