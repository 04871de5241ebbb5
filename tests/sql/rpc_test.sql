-- 1. Every RPC returns the right numbers on the seed (hand-checked), and each consolidated
--    RPC equals what the 1 + N queries it replaces return.
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');

do $$
declare
  d jsonb := public.get_client_dashboard_data();
  a jsonb := d -> 'clients' -> 0;
  b jsonb := d -> 'clients' -> 1;
begin
  assert jsonb_array_length(d -> 'clients') = 2, 'two clients';
  assert a ->> 'name' = 'Acme Academy' and (a ->> 'student_count')::int = 2, 'Acme has 2 students';
  assert b ->> 'name' = 'Beta Bootcamp' and (b ->> 'student_count')::int = 1, 'Beta has 1 student';
  assert jsonb_array_length(a -> 'products') = 2 and jsonb_array_length(b -> 'products') = 1, 'products per client';
  assert a -> 'recent_activity' -> 0 ->> 'student_id' = '00000000-0000-0000-0000-0000000000b2', 'newest activity first (s2, Feb 4)';
  assert jsonb_array_length(a -> 'recent_activity') = 4, 'Acme: 4 progress rows';
end $$;

-- the 1 + N pattern: list clients, then per client count students and list products
do $$
declare
  c record;
  rpc jsonb;
begin
  for c in select cl.id, cl.name from public.clients cl order by cl.name loop
    select x into rpc from jsonb_array_elements(public.get_client_dashboard_data(c.id) -> 'clients') x;
    assert (rpc ->> 'student_count')::bigint = (select count(*) from public.students s where s.client_id = c.id),
      'student count equals the per-client query';
    assert (select jsonb_agg(p.id order by p.name, p.id) from public.client_product_assignments a
            join public.products p on p.id = a.product_id where a.client_id = c.id)
         = (select jsonb_agg(x -> 'id') from jsonb_array_elements(rpc -> 'products') x),
      'products equal the per-client query';
  end loop;
end $$;

do $$
declare
  p jsonb := public.calculate_product_performance();
  jr jsonb := p -> 0;
  sq jsonb := p -> 1;
begin
  assert jr ->> 'name' = 'Job Readiness' and (jr ->> 'enrolled_students')::int = 3, 'P1: 3 enrolled';
  assert (jr ->> 'completion_rate')::numeric = 0, 'P1: nobody finished all 3 modules';
  assert (jr ->> 'average_score')::numeric = 75.00, 'P1: (50 + 100) / 2';
  assert sq ->> 'name' = 'SQL Basics' and (sq ->> 'enrolled_students')::int = 2, 'P2: 2 enrolled (Acme only)';
  assert (sq ->> 'completion_rate')::numeric = 0.5, 'P2: 1 of 2 completed';
  assert sq -> 'average_score' = 'null'::jsonb, 'P2: no assessments';
  assert (public.calculate_product_performance('00000000-0000-0000-0000-00000000c11b') -> 0 ->> 'enrolled_students')::int = 1,
    'Beta only: 1 enrolled';
end $$;

do $$
declare
  s jsonb := public.get_expert_sessions_with_stats();
  e1 jsonb := s -> 0;
  e2 jsonb := s -> 1;
begin
  assert jsonb_array_length(s) = 2, 'only active sessions';
  assert (e1 ->> 'total_viewers')::int = 3 and (e1 ->> 'completion_rate')::numeric = 0.6667, 'E1: 3 viewers, 2 completed';
  assert (e1 ->> 'average_watch_time')::numeric = 500.00, 'E1: (600 + 300 + 600) / 3';
  assert (e2 ->> 'total_viewers')::int = 1 and (e2 ->> 'completion_rate')::numeric = 0, 'E2';
  assert jsonb_array_length(public.get_expert_sessions_with_stats('00000000-0000-0000-0000-0000000000f2')) = 1, 'filter by product';
  -- 1 + N: the viewers of each session, one query per session
  assert (e1 ->> 'total_viewers')::bigint = (select count(*) from public.job_readiness_expert_session_progress pr
                                             where pr.expert_session_id = (e1 ->> 'id')::uuid), 'viewers equal the per-session query';
end $$;

do $$
declare
  a jsonb := public.get_analytics_dashboard_data();
begin
  assert (a ->> 'total_learners')::int = 3 and (a ->> 'active_learners')::int = 2, 'learners';
  assert (a ->> 'total_clients')::int = 2 and (a ->> 'average_assessment_score')::numeric = 75.00, 'clients and score';
  assert (a -> 'product_completion' -> 0 ->> 'module_slots')::int = 9, 'P1: 3 students x 3 modules';
  assert (a -> 'product_completion' -> 0 ->> 'completed_modules')::int = 2, 'P1: s1 and s3 finished M1';
  assert (a -> 'product_completion' -> 0 ->> 'completion_rate')::numeric = 0.2222, 'P1 rate';
  assert (a -> 'module_completion' -> 0 ->> 'completed')::int = 2 and (a -> 'module_completion' -> 0 ->> 'in_progress')::int = 1, 'M1';
  a := public.get_analytics_dashboard_data('2025-03-04 00:00+00', '2025-03-05 00:00+00', null);
  assert (a ->> 'active_learners')::int = 1, 'only s1 signed in that day';
  assert a -> 'average_assessment_score' = 'null'::jsonb, 'no submission that day';
end $$;

do $$
declare
  s jsonb := public.get_student_progress_summary('00000000-0000-0000-0000-0000000000b1');
begin
  assert (s ->> 'total_modules')::int = 4 and (s ->> 'completed_modules')::int = 2, 's1: 4 modules, 2 completed';
  assert s -> 'modules' -> 1 ->> 'status' = 'InProgress', 'M2 in progress';
end $$;

do $$
declare
  u jsonb := public.get_users_with_auth_details(p_limit => 2);
  rest jsonb;
begin
  assert (u ->> 'total')::int = 5 and jsonb_array_length(u -> 'users') = 2, 'five staff users, a page of two';
  assert u -> 'users' -> 0 ->> 'email' = 'admin@example.com', 'sorted by name, with emails from auth.users';
  rest := public.get_users_with_auth_details(p_limit => 10, p_cursor => (u ->> 'next_cursor')::uuid);
  assert jsonb_array_length(rest -> 'users') = 3 and rest -> 'next_cursor' = 'null'::jsonb, 'the rest, no further cursor';
  assert (public.get_users_with_auth_details(p_role => 'ClientStaff') ->> 'total')::int = 2, 'filter by role';
  assert (public.get_users_with_auth_details(p_search => 'client-a') -> 'users' -> 0 ->> 'client_name') = 'Acme Academy', 'search email, client name';
end $$;
