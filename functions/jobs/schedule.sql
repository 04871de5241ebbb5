-- The scheduled side of the job queue: one maintenance tick, run every minute.
--   * jobs processing for more than 15 minutes (a dead worker) are retried or failed;
--   * finished jobs older than 7 days are deleted;
--   * cache entries that can no longer be served are deleted (invalidation marks entries rather
--     than deleting them, so without this the cache table only grows);
--   * when pending jobs are due (delayed jobs, retries after their backoff), workers are woken
--     with NOTIFY new_job 'due': the insert trigger only announced them when they were created.
-- Where pg_cron is installed (Supabase: Database > Extensions), schedule_job_maintenance() below
-- schedules it; where it is not (the embedded engine, plain Postgres), a worker calls
-- `select public.run_job_maintenance()` as service_role about once a minute: the no-cron fallback.
-- Security definer: it cleans the private cache, which service_role cannot touch. It takes no
-- arguments and only service_role (and the owner) may execute it.
create or replace function public.run_job_maintenance()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $fn$
declare
  v_reaped integer := public.reap_abandoned_jobs(interval '15 minutes');
  v_cleaned integer := public.cleanup_old_jobs(interval '7 days');
  v_cache integer := private.cache_cleanup_expired();
  v_due integer;
begin
  select count(*) into v_due
  from public.background_jobs j
  where j.status = 'pending' and j.scheduled_for <= now();
  if v_due > 0 then
    perform pg_notify('new_job', 'due');
  end if;
  return jsonb_build_object('reaped', v_reaped, 'cleaned', v_cleaned, 'cache_entries_removed', v_cache,
                            'due', v_due);
end
$fn$;

revoke execute on function public.run_job_maintenance() from public, anon, authenticated;
grant execute on function public.run_job_maintenance() to service_role;

-- Schedule run_job_maintenance() every minute with pg_cron, when pg_cron is installed; returns
-- whether it did. A no-op (false) where there is no pg_cron, so the same file deploys everywhere.
-- cron.schedule with a job name replaces that job: running this again is harmless. Run
-- `select public.schedule_job_maintenance()` once after enabling pg_cron on a database where this
-- file was applied before. Migration role only.
create or replace function public.schedule_job_maintenance()
returns boolean
language plpgsql
volatile
security invoker
set search_path = ''
as $fn$
begin
  if to_regprocedure('cron.schedule(text, text, text)') is null then
    return false;
  end if;
  perform cron.schedule('job-queue-maintenance', '* * * * *', 'select public.run_job_maintenance()');
  return true;
end
$fn$;

revoke execute on function public.schedule_job_maintenance() from public, anon, authenticated, service_role;

select public.schedule_job_maintenance();
