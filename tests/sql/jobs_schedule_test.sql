-- The scheduled side of the job queue: run_job_maintenance() reaps, cleans jobs and the cache and
-- counts due jobs; schedule_job_maintenance() is a no-op without pg_cron and schedules the tick
-- with it (a stand-in cron.schedule records the call: the embedded engine has no pg_cron).
-- The NOTIFY it sends is checked in tests/reference/test_jobs_notify.py (notifications need a commit).
do $$ begin
  assert not public.schedule_job_maintenance(), 'no pg_cron here: nothing scheduled, no error';
end $$;

create schema cron;
create table cron.calls (job_name text, schedule text, command text);
create function cron.schedule(job_name text, schedule text, command text) returns bigint language sql as $$
  insert into cron.calls values (job_name, schedule, command) returning 1::bigint
$$;
do $$ begin
  assert public.schedule_job_maintenance(), 'with pg_cron: scheduled';
  assert (select count(*) from cron.calls) = 1, 'once';
  assert (select row(job_name, schedule, command)::text from cron.calls)
         = row('job-queue-maintenance', '* * * * *', 'select public.run_job_maintenance()')::text, 'every minute, the maintenance tick';
end $$;

select sqlkit_test.authenticate_as_service_role();
do $$
declare
  abandoned bigint := public.enqueue_job('abandoned', '{}');
  old_done bigint := public.enqueue_job('old', '{}');
  delayed bigint := public.enqueue_job('delayed', '{}', 0, now() + interval '10 minutes');
  r jsonb;
begin
  perform public.claim_jobs('dead-worker', 1);
  update public.background_jobs j set started_at = now() - interval '1 hour' where j.id = abandoned;
  update public.background_jobs j set status = 'completed', updated_at = now() - interval '30 days' where j.id = old_done;
  r := public.run_job_maintenance();
  assert (r ->> 'reaped')::int = 1 and (r ->> 'cleaned')::int = 1, 'reaped and cleaned: ' || r::text;
  assert (r ->> 'due')::int = 1, 'the reaped job is due again, the delayed one not yet: ' || r::text;
  assert not exists (select 1 from public.background_jobs j where j.id = old_done), 'old job gone';
  update public.background_jobs j set scheduled_for = now() - interval '1 second' where j.id = delayed;
  assert (public.run_job_maintenance() ->> 'due')::int = 2, 'the delayed job is due now';
end $$;
select sqlkit_test.clear_authentication();

-- it cleans the cache too: invalidated entries are marked, and the tick deletes them
do $$
declare
  r jsonb;
begin
  perform private.cache_set('gone', 'global', '1', array['t'], interval '1 hour');
  perform private.cache_invalidate_tags(array['t']);
  perform sqlkit_test.authenticate_as_service_role();
  r := public.run_job_maintenance();
  perform sqlkit_test.clear_authentication();
  assert (r ->> 'cache_entries_removed')::int >= 1 and not exists (select 1 from private.query_cache where cache_key = 'gone'),
    'invalidated entry removed: ' || r::text;
end $$;

-- only service_role runs the tick; nobody but the migration role schedules
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
do $$ begin
  begin
    perform public.run_job_maintenance();
    raise exception 'authenticated ran the maintenance tick';
  exception when insufficient_privilege then null;
  end;
end $$;
select sqlkit_test.authenticate_as_service_role();
do $$ begin
  begin
    perform public.schedule_job_maintenance();
    raise exception 'service_role scheduled cron jobs';
  exception when insufficient_privilege then null;
  end;
end $$;
