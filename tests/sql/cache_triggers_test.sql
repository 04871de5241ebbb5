-- Invalidation triggers on clients, modules, job_readiness_products, job_readiness_expert_sessions,
-- job_readiness_expert_session_progress (and the progress / submissions tags the product
-- performance cache relies on): each clears exactly its tags. Then the narrow tags of
-- get_product_performance_cached: a write for one client leaves the other clients' entries fresh.
do $$
declare
  keys text[];
  function_fresh text := 'select coalesce(array_agg(cache_key order by cache_key), ''{}'') from private.query_cache where expires_at > now()';
begin
  delete from private.query_cache;
  perform private.cache_set('k_clients', 'global', '1', array['clients'], interval '1 hour');
  perform private.cache_set('k_client_a', 'global', '1', array['client:00000000-0000-0000-0000-00000000c11a'], interval '1 hour');
  perform private.cache_set('k_client_b', 'global', '1', array['client:00000000-0000-0000-0000-00000000c11b'], interval '1 hour');
  perform private.cache_set('k_modules', 'global', '1', array['modules'], interval '1 hour');
  perform private.cache_set('k_module_d1', 'global', '1', array['module:00000000-0000-0000-0000-0000000000d1'], interval '1 hour');
  perform private.cache_set('k_product_f1', 'global', '1', array['product:00000000-0000-0000-0000-0000000000f1'], interval '1 hour');
  perform private.cache_set('k_product_f2', 'global', '1', array['product:00000000-0000-0000-0000-0000000000f2'], interval '1 hour');
  perform private.cache_set('k_jr', 'global', '1', array['job_readiness_products'], interval '1 hour');
  perform private.cache_set('k_sessions', 'global', '1', array['expert_sessions'], interval '1 hour');
  perform private.cache_set('k_session_progress', 'global', '1', array['expert_session_progress'], interval '1 hour');
  perform private.cache_set('k_s1', 'global', '1', array['student:00000000-0000-0000-0000-0000000000b1'], interval '1 hour');
  perform private.cache_set('k_s3', 'global', '1', array['student:00000000-0000-0000-0000-0000000000b3'], interval '1 hour');
  perform private.cache_set('k_progress_a', 'global', '1', array['client_progress:00000000-0000-0000-0000-00000000c11a'], interval '1 hour');
  perform private.cache_set('k_progress_b', 'global', '1', array['client_progress:00000000-0000-0000-0000-00000000c11b'], interval '1 hour');
  perform private.cache_set('k_submissions', 'global', '1', array['assessment_submissions'], interval '1 hour');

  update public.clients set contact_email = 'new@client-b.example' where id = '00000000-0000-0000-0000-00000000c11b';
  execute function_fresh into keys;
  assert not ('k_clients' = any (keys)) and not ('k_client_b' = any (keys)), 'clients: clients and client:B go; left ' || keys::text;
  assert 'k_client_a' = any (keys) and cardinality(keys) = 13, 'clients: nothing else; left ' || keys::text;

  update public.modules set name = name || '!' where id = '00000000-0000-0000-0000-0000000000d1';
  execute function_fresh into keys;
  assert not ('k_modules' = any (keys) or 'k_module_d1' = any (keys) or 'k_product_f1' = any (keys)),
    'modules: modules, module:d1, product:f1 go; left ' || keys::text;
  assert 'k_product_f2' = any (keys) and cardinality(keys) = 10, 'modules: nothing else; left ' || keys::text;

  update public.job_readiness_products set thresholds = '{"silver": 75}';
  execute function_fresh into keys;
  assert not ('k_jr' = any (keys)) and cardinality(keys) = 9, 'job_readiness_products: its tag (product:f1 already gone); left ' || keys::text;

  update public.job_readiness_expert_sessions set description = 'x' where id = '00000000-0000-0000-0000-0000000003e2';
  execute function_fresh into keys;
  assert not ('k_sessions' = any (keys)) and cardinality(keys) = 8, 'expert sessions: expert_sessions only; left ' || keys::text;

  update public.job_readiness_expert_session_progress set watch_time_seconds = 200
  where student_id = '00000000-0000-0000-0000-0000000000b3';
  execute function_fresh into keys;
  assert not ('k_session_progress' = any (keys) or 'k_s3' = any (keys)), 'session progress: its tag and student:b3 go; left ' || keys::text;
  assert 'k_s1' = any (keys) and cardinality(keys) = 6, 'session progress: nothing else; left ' || keys::text;

  update public.student_module_progress set progress_percentage = 100 where student_id = '00000000-0000-0000-0000-0000000000b1'
    and module_id = '00000000-0000-0000-0000-0000000000d2';
  execute function_fresh into keys;
  assert not ('k_progress_a' = any (keys) or 'k_s1' = any (keys)), 'progress of a client A student: client_progress:A, student:b1 go; left ' || keys::text;
  assert keys = array['k_client_a', 'k_product_f2', 'k_progress_b', 'k_submissions'], 'progress: nothing else; left ' || keys::text;

  insert into public.assessment_submissions (student_id, assessment_id, answers, score, passed)
  values ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000d3', '{}', 80, true);
  execute function_fresh into keys;
  assert keys = array['k_client_a', 'k_product_f2', 'k_progress_b'], 'submissions: their tag; left ' || keys::text;
end $$;

-- narrow tags: product performance per client. Entries for client A, client B and all clients.
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
select public.get_product_performance_cached();
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
select public.get_product_performance_cached();
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
select public.get_product_performance_cached();
select sqlkit_test.clear_authentication();
create temporary table perf (label text primary key, scope text) on commit drop;
insert into perf values
  ('A', 'role:client_staff:client:00000000-0000-0000-0000-00000000c11a'),
  ('B', 'role:client_staff:client:00000000-0000-0000-0000-00000000c11b'),
  ('all', 'role:admin:client:-');
create function pg_temp.fresh_perf() returns text[] language sql as $$
  select coalesce(array_agg(p.label order by p.label), '{}') from perf p
  join private.query_cache q on q.scope = p.scope and q.cache_key like 'get_product_performance_cached:%'
  where q.expires_at > now()
$$;
do $$ begin
  assert pg_temp.fresh_perf() = array['A', 'B', 'all'], 'three entries: ' || pg_temp.fresh_perf()::text;
  -- a student of B records progress: B's and the all-clients entry go, A's stays
  update public.student_module_progress set progress_percentage = 90 where student_id = '00000000-0000-0000-0000-0000000000b3';
  assert pg_temp.fresh_perf() = array['A'], 'progress of B keeps A fresh: ' || pg_temp.fresh_perf()::text;
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
select public.get_product_performance_cached();
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
select public.get_product_performance_cached();
select sqlkit_test.clear_authentication();
do $$ begin
  assert pg_temp.fresh_perf() = array['A', 'B', 'all'], 'recomputed';
  -- a new student for A: A's and all-clients go
  insert into auth.users (id) values ('00000000-0000-0000-0000-0000000000b4');
  insert into public.students (id, client_id, full_name) values
    ('00000000-0000-0000-0000-0000000000b4', '00000000-0000-0000-0000-00000000c11a', 'Stu Four');
  assert pg_temp.fresh_perf() = array['B'], 'a student of A keeps B fresh: ' || pg_temp.fresh_perf()::text;
end $$;
do $$ begin
  assert pg_temp.fresh_perf() = array['B'], 'B still fresh';
  update public.modules set name = name || '!' where id = '00000000-0000-0000-0000-0000000000d4';
  assert pg_temp.fresh_perf() = array['B'], 'a module of P2 keeps B (which shows P1 only) fresh: ' || pg_temp.fresh_perf()::text;
  update public.modules set name = name || '!' where id = '00000000-0000-0000-0000-0000000000d1';
  assert pg_temp.fresh_perf() = '{}', 'a module of P1 clears B too';
end $$;
