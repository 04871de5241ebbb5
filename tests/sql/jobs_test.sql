-- 6. Jobs: claims skip what another worker holds (tests/reference has two live workers);
--    retries back off 1/2/4 minutes then fail; abandoned jobs are reaped; cleanup keeps recent jobs.
select sqlkit_test.authenticate_as_service_role();
do $$
declare
  j bigint := public.enqueue_job('send_email', '{"to": "a@example.com"}', 5);
  low bigint := public.enqueue_job('cleanup', '{}', 0);
  later bigint := public.enqueue_job('report', '{}', 9, now() + interval '1 hour');
  claimed bigint[];
  delays interval[] := array[interval '1 minute', interval '2 minutes', interval '4 minutes'];
  i integer;
  status text;
begin
  select array_agg(c.id order by c.priority desc) into claimed from public.claim_jobs('w1', 10) c;
  assert claimed = array[j, low], 'due jobs only, highest priority first: ' || claimed::text;
  assert (select locked_by from public.background_jobs b where b.id = j) = 'w1', 'claimed by w1';
  assert not exists (select 1 from public.claim_jobs('w2', 10)), 'nothing left for a second worker';
  assert public.complete_job(low) and not public.complete_job(low), 'complete once';

  for i in 1 .. 3 loop
    status := public.fail_job(j, 'smtp timeout ' || i);
    assert status = 'pending', 'failure ' || i || ' is retried';
    assert (select b.scheduled_for between now() + delays[i] - interval '1 second' and now() + delays[i] + interval '1 second'
            from public.background_jobs b where b.id = j), 'failure ' || i || ' backs off ' || delays[i]::text;
    assert not exists (select 1 from public.claim_jobs('w1', 10)), 'not due during the backoff';
    update public.background_jobs b set scheduled_for = now() where b.id = j;  -- time passes
    assert (select array_agg(c.id) from public.claim_jobs('w1', 10) c) = array[j], 'due again';
  end loop;
  assert public.fail_job(j, 'smtp timeout 4') = 'failed', 'after max_retries the job fails';
  assert (select b.retries from public.background_jobs b where b.id = j) = 4, 'four attempts recorded';
  assert (select b.error_message from public.background_jobs b where b.id = j) = 'smtp timeout 4', 'last error kept';
end $$;

-- abandoned jobs (a dead worker) are reaped: retried, or failed when out of retries
do $$
declare
  a bigint := public.enqueue_job('abandoned', '{}', 100);
  b bigint := public.enqueue_job('abandoned twice', '{}', 99);
begin
  perform public.claim_jobs('dead-worker', 2);
  update public.background_jobs j set started_at = now() - interval '1 hour' where j.id in (a, b);
  update public.background_jobs j set retries = 3 where j.id = b;
  assert public.reap_abandoned_jobs(interval '15 minutes') = 2, 'both reaped';
  assert (select j.status from public.background_jobs j where j.id = a) = 'pending', 'retried';
  assert (select j.status from public.background_jobs j where j.id = b) = 'failed', 'out of retries';
  assert public.reap_abandoned_jobs(interval '15 minutes') = 0, 'nothing left to reap';
end $$;

-- cleanup removes finished jobs older than the window, keeps recent ones and open ones
do $$
declare
  old_done bigint := public.enqueue_job('old', '{}');
  new_done bigint := public.enqueue_job('new', '{}');
  open_job bigint := public.enqueue_job('open', '{}', -1);
  removed integer;
begin
  update public.background_jobs j set status = 'completed', updated_at = now() - interval '8 days' where j.id = old_done;
  update public.background_jobs j set status = 'completed', updated_at = now() - interval '1 day' where j.id = new_done;
  update public.background_jobs j set updated_at = now() - interval '30 days' where j.id = open_job;
  removed := public.cleanup_old_jobs();
  assert not exists (select 1 from public.background_jobs j where j.id = old_done), 'old completed job removed';
  assert exists (select 1 from public.background_jobs j where j.id = new_done), 'recent job kept';
  assert exists (select 1 from public.background_jobs j where j.id = open_job), 'pending job kept however old';
  assert removed >= 1, 'reports what it removed';
end $$;

-- only service_role may use the queue
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
do $$ begin
  begin
    perform public.claim_jobs('intruder', 1);
    raise exception 'authenticated could claim jobs';
  exception when insufficient_privilege then null;
  end;
  begin
    perform 1 from public.background_jobs;
    raise exception 'authenticated could read the queue';
  exception when insufficient_privilege then null;
  end;
end $$;
