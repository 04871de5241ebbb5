-- 7. Export: keyset pages cover every learner exactly once, in order (concurrent inserts are
--    exercised in tests/reference). The function pages on (created_at, id), never OFFSET.
insert into auth.users (id)
select ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid from generate_series(1, 95) g;
insert into public.students (id, client_id, full_name, created_at)
select ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
       case when g % 2 = 0 then '00000000-0000-0000-0000-00000000c11a' else '00000000-0000-0000-0000-00000000c11b' end::uuid,
       'Learner ' || g,
       timestamptz '2025-02-01' + (g % 7) * interval '1 hour'  -- many ties on created_at
from generate_series(1, 95) g;

select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}');
do $$
declare
  after_at timestamptz;
  after_id uuid;
  page_rows integer;
  seen uuid[] := '{}';
  ordered boolean := true;
  prev_at timestamptz;
  prev_id uuid;
  r record;
  pages integer := 0;
begin
  loop
    page_rows := 0;
    for r in select * from public.get_learner_export_batch(p_after_created_at => after_at, p_after_id => after_id, p_limit => 10) loop
      if prev_at is not null and (r.created_at, r.id) <= (prev_at, prev_id) then
        ordered := false;
      end if;
      prev_at := r.created_at;
      prev_id := r.id;
      seen := seen || r.id;
      page_rows := page_rows + 1;
      after_at := r.created_at;
      after_id := r.id;
    end loop;
    exit when page_rows = 0;
    pages := pages + 1;
  end loop;
  assert ordered, 'pages come in (created_at, id) order';
  assert cardinality(seen) = 98, 'every learner: ' || cardinality(seen);
  assert (select count(distinct x) from unnest(seen) x) = 98, 'each exactly once';
  assert pages = 10, 'ten pages of at most ten';
  assert (select count(*) from public.get_learner_export_batch(p_client_id => '00000000-0000-0000-0000-00000000c11b', p_limit => 5000)) = 49,
    'client filter: 1 seed + 48 generated';
  begin
    perform * from public.get_learner_export_batch(p_limit => 100000);
    raise exception 'an oversized page was accepted';
  exception when invalid_parameter_value then null;
  end;
end $$;
