-- The client dashboard RPC: client staff see only their client (RLS, the function is INVOKER);
-- recent activity comes from the (client_id, last_updated desc) index, five entries per client,
-- not from every progress row; client_id on progress is the student's client, whoever writes it.

-- client staff of A: their client only, whatever they ask for
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$
declare
  d jsonb := public.get_client_dashboard_data();
begin
  assert jsonb_array_length(d -> 'clients') = 1, 'client staff A see one client, got ' || d::text;
  assert d -> 'clients' -> 0 ->> 'name' = 'Acme Academy', 'and it is A';
  assert (select bool_and((x ->> 'student_id') in ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2'))
          from jsonb_array_elements(d -> 'clients' -> 0 -> 'recent_activity') x), 'activity of A''s students only';
  assert jsonb_array_length(public.get_client_dashboard_data('00000000-0000-0000-0000-00000000c11b') -> 'clients') = 0,
    'asking for client B gives nothing';
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$
declare
  d jsonb := public.get_client_dashboard_data();
begin
  assert jsonb_array_length(d -> 'clients') = 1 and d -> 'clients' -> 0 ->> 'name' = 'Beta Bootcamp', 'client staff B see B';
  assert (d -> 'clients' -> 0 ->> 'student_count')::int = 1, 'B has one student';
  assert d -> 'clients' -> 0 -> 'recent_activity' -> 0 ->> 'student_id' = '00000000-0000-0000-0000-0000000000b3', 'B''s activity';
  assert jsonb_array_length(d -> 'clients' -> 0 -> 'recent_activity') = 1, 'and only B''s';
end $$;
select sqlkit_test.clear_authentication();

-- client_id on progress: set from the student, never from the writer
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
insert into public.student_module_progress (student_id, module_id, status, client_id)
values ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d3', 'InProgress', '00000000-0000-0000-0000-00000000c11b');
update public.student_module_progress set client_id = '00000000-0000-0000-0000-00000000c11b'
where student_id = '00000000-0000-0000-0000-0000000000b1';
select sqlkit_test.clear_authentication();
do $$ begin
  assert (select bool_and(client_id = '00000000-0000-0000-0000-00000000c11a') from public.student_module_progress
          where student_id = '00000000-0000-0000-0000-0000000000b1'), 'a student cannot put their progress under another client';
  assert (select count(*) from public.student_module_progress where client_id is distinct from
          (select s.client_id from public.students s where s.id = student_id)) = 0, 'every row carries its student''s client';
end $$;
-- a student moved to another client takes their progress along
update public.students set client_id = '00000000-0000-0000-0000-00000000c11b' where id = '00000000-0000-0000-0000-0000000000b2';
do $$ begin
  assert (select bool_and(client_id = '00000000-0000-0000-0000-00000000c11b') from public.student_module_progress
          where student_id = '00000000-0000-0000-0000-0000000000b2'), 'moved with the student';
end $$;
update public.students set client_id = '00000000-0000-0000-0000-00000000c11a' where id = '00000000-0000-0000-0000-0000000000b2';

-- recent activity reads five index entries per client, not every progress row: 2,400 rows for A
insert into auth.users (id)
select ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid from generate_series(1, 600) g;
insert into public.students (id, client_id, full_name)
select ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-00000000c11a', 'Busy ' || g
from generate_series(1, 600) g;
insert into public.student_module_progress (student_id, module_id, status, last_updated)
select s.id, m.id, 'InProgress', timestamptz '2024-06-01' + (row_number() over ()) * interval '1 minute'
from public.students s cross join public.modules m where s.full_name like 'Busy %';
analyze public.student_module_progress;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
do $$
declare
  before_seq bigint;
  before_idx bigint;
  d jsonb;
begin
  select coalesce(t.seq_tup_read, 0), coalesce(t.idx_tup_fetch, 0) into before_seq, before_idx
  from pg_stat_xact_user_tables t where t.relid = 'public.student_module_progress'::regclass;
  d := public.get_client_dashboard_data();
  assert jsonb_array_length(d -> 'clients' -> 0 -> 'recent_activity') = 5, 'top five for A';
  assert d -> 'clients' -> 0 -> 'recent_activity' -> 0 ->> 'at' >= '2024-06-02', 'the newest first';
  assert (select t.seq_tup_read from pg_stat_xact_user_tables t where t.relid = 'public.student_module_progress'::regclass) = before_seq,
    'no sequential scan of progress';
  assert (select t.idx_tup_fetch from pg_stat_xact_user_tables t where t.relid = 'public.student_module_progress'::regclass) - before_idx <= 20,
    'at most a few index entries per client, read '
    || ((select t.idx_tup_fetch from pg_stat_xact_user_tables t where t.relid = 'public.student_module_progress'::regclass) - before_idx)::text;
end $$;
