-- 5. Cache: miss then hit; expiry; each trigger invalidates the right tags and only those; a bulk
--    update invalidates once; tenant A's result is never served to tenant B; API roles cannot
--    call cache_set or write query_cache.
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
create temporary table results (label text primary key, value jsonb) on commit drop;
grant all on results to authenticated;
insert into results values ('first', public.get_product_performance_cached());
insert into results values ('second', public.get_product_performance_cached());
select sqlkit_test.clear_authentication();
do $$ begin
  assert (select count(*) from private.query_cache) = 1, 'a miss stores one entry';
  assert (select value from results where label = 'first') = (select value from results where label = 'second'),
    'the hit returns the stored value';
  assert (select hit_count from private.query_cache) = 1, 'the hit is counted (cache_get is VOLATILE, not STABLE)';
  assert (select value from results where label = 'first') = public.calculate_product_performance(),
    'cached value equals the computation';
  update private.query_cache set expires_at = now() - interval '1 second';
end $$;
-- expiry: an expired entry is a miss and is recomputed
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
select public.get_product_performance_cached();
select sqlkit_test.clear_authentication();
do $$ begin
  assert (select expires_at > now() + interval '14 minutes' from private.query_cache), 'recomputed with a fresh 15 minute TTL';
  assert (select hit_count from private.query_cache) = 0, 'a fresh entry';
end $$;

-- tenant A's cached result is never served to tenant B
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$
declare
  a jsonb := public.get_product_performance_cached();
begin
  assert jsonb_array_length(a) = 2 and (a -> 0 ->> 'enrolled_students')::int = 2, 'client A: its 2 students in P1';
  -- asking for another client's data is overridden by the JWT's client
  assert public.get_product_performance_cached('00000000-0000-0000-0000-00000000c11b') = a, 'p_client_id of B is ignored for client staff of A';
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$
declare
  b jsonb := public.get_product_performance_cached();
begin
  assert jsonb_array_length(b) = 1 and (b -> 0 ->> 'enrolled_students')::int = 1, 'client B: its own 1 student, not A''s cached result';
end $$;
select sqlkit_test.clear_authentication();
do $$ begin
  assert (select count(distinct scope) from private.query_cache
          where cache_key like 'get_product_performance_cached:%' and scope like 'role:client_staff:%') = 2,
    'one entry per tenant scope';
end $$;

-- each trigger invalidates exactly its tags (invalidated entries stay, marked: no longer fresh)
select sqlkit_test.clear_authentication();
do $$
declare
  keys text[];
begin
  delete from private.query_cache;
  perform private.cache_set('k_students', 'global', '1', array['students'], interval '1 hour');
  perform private.cache_set('k_s1', 'global', '1', array['student:00000000-0000-0000-0000-0000000000b1'], interval '1 hour');
  perform private.cache_set('k_s2', 'global', '1', array['student:00000000-0000-0000-0000-0000000000b2'], interval '1 hour');
  perform private.cache_set('k_client_b', 'global', '1', array['client:00000000-0000-0000-0000-00000000c11b'], interval '1 hour');
  perform private.cache_set('k_products', 'global', '1', array['products'], interval '1 hour');
  perform private.cache_set('k_module_d4', 'global', '1', array['module:00000000-0000-0000-0000-0000000000d4'], interval '1 hour');
  perform private.cache_set('k_sessions', 'global', '1', array['expert_sessions'], interval '1 hour');

  update public.students set star_rating = 4 where id = '00000000-0000-0000-0000-0000000000b1';
  select array_agg(cache_key order by cache_key) into keys from private.query_cache where expires_at > now();
  assert keys = array['k_client_b', 'k_module_d4', 'k_products', 'k_s2', 'k_sessions'],
    'students update: students, student:b1 and client:A tags gone, nothing else; left ' || keys::text;

  update public.lessons set title = 'SELECT *' where module_id = '00000000-0000-0000-0000-0000000000d4';
  select array_agg(cache_key order by cache_key) into keys from private.query_cache where expires_at > now();
  assert keys = array['k_client_b', 'k_products', 'k_s2', 'k_sessions'], 'lessons: module:d4 only; left ' || keys::text;

  insert into public.job_readiness_expert_session_products (expert_session_id, product_id)
  values ('00000000-0000-0000-0000-0000000003e2', '00000000-0000-0000-0000-0000000000f1');
  select array_agg(cache_key order by cache_key) into keys from private.query_cache where expires_at > now();
  assert keys = array['k_client_b', 'k_products', 'k_s2'], 'session products: expert_sessions; left ' || keys::text;

  delete from public.client_product_assignments where client_id = '00000000-0000-0000-0000-00000000c11b';
  select array_agg(cache_key order by cache_key) into keys from private.query_cache where expires_at > now();
  assert keys = array['k_products', 'k_s2'], 'assignments delete: client:B; left ' || keys::text;

  update public.products set name = name || '!';
  assert (select array_agg(cache_key) from private.query_cache where expires_at > now()) = array['k_s2'], 'products: products tag';
end $$;

-- a bulk update of many rows invalidates once (statement-level, not per row)
insert into auth.users (id)
select ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid from generate_series(1, 500) g;
insert into public.students (id, client_id, full_name)
select ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-00000000c11a', 'Bulk ' || g
from generate_series(1, 500) g;
set local track_functions = 'all';
do $$
declare
  before bigint;
begin
  select coalesce(sum(calls), 0) into before from pg_stat_xact_user_functions where funcname = 'cache_invalidate_tags';
  update public.students set updated_at = now();
  assert (select sum(calls) from pg_stat_xact_user_functions where funcname = 'cache_invalidate_tags') = before + 1,
    'one invalidation for a 503-row update';
  update public.student_module_progress set last_updated = now();
  assert (select sum(calls) from pg_stat_xact_user_functions where funcname = 'cache_invalidate_tags') = before + 2,
    'one more for the next statement';
end $$;
delete from public.students where full_name like 'Bulk %';

-- students: only their own summary; the entry is tagged per student
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b2", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$ begin
  assert (public.get_student_progress_summary_cached('00000000-0000-0000-0000-0000000000b2') ->> 'total_modules')::int = 4, 'own summary';
  begin
    perform public.get_student_progress_summary_cached('00000000-0000-0000-0000-0000000000b1');
    raise exception 'a student read another student''s cached summary';
  exception when insufficient_privilege then null;
  end;
  assert jsonb_array_length(public.get_expert_sessions_cached()) = 2, 'global content for students';
  assert public.get_module_content_cached('00000000-0000-0000-0000-0000000000d2') -> 'questions' -> 0 -> 'correct_answer' is null,
    'module content never carries correct answers';
end $$;

-- API roles cannot call cache_set or write query_cache (no poisoning)
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    perform sqlkit_test.authenticate_as(jsonb_build_object('role', r, 'user_role', 'admin'));
    begin
      perform private.cache_set('poison', 'global', '"x"', array['products'], interval '1 hour');
      raise exception '% could call cache_set', r;
    exception when insufficient_privilege then null;
    end;
    begin
      insert into private.query_cache (cache_key, cache_data, expires_at) values ('poison', '"x"', now() + interval '1 hour');
      raise exception '% could write query_cache', r;
    exception when insufficient_privilege then null;
    end;
    begin
      perform private.cache_invalidate_tags(array['products']);
      raise exception '% could invalidate', r;
    exception when insufficient_privilege then null;
    end;
    perform sqlkit_test.clear_authentication();
  end loop;
end $$;
