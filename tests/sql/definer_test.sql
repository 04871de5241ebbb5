-- 4. Definer functions refuse callers without the right role; submit_assessment scores on the
--    server, ignores any client-side score and cannot write for another student.
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$ begin
  begin
    perform public.get_users_with_auth_details();
    raise exception 'a student listed staff users';
  exception when insufficient_privilege then null;
  end;
  begin
    perform * from public.get_learner_export_batch();
    raise exception 'a student exported learners';
  exception when insufficient_privilege then null;
  end;
  begin
    perform public.get_student_progress_summary('00000000-0000-0000-0000-0000000000b2');
    raise exception 'a student read another student''s progress';
  exception when insufficient_privilege then null;
  end;
end $$;

-- all answers wrong, with a forged score and student id in the payload: both ignored
do $$
declare
  r jsonb := public.submit_assessment('00000000-0000-0000-0000-0000000000d2',
    '{"00000000-0000-0000-0000-0000000002a1": "a", "00000000-0000-0000-0000-0000000002a2": "a", "score": 100, "passed": true, "student_id": "00000000-0000-0000-0000-0000000000b2"}');
begin
  assert (r ->> 'score')::numeric = 0 and not (r ->> 'passed')::boolean, 'scored on the server: 0';
  assert (select student_id from public.assessment_submissions where id = (r ->> 'submission_id')::uuid)
         = '00000000-0000-0000-0000-0000000000b1', 'recorded for the caller';
end $$;

-- pass both assessments of P1: BRONZE -> SILVER
do $$
declare
  r jsonb;
begin
  r := public.submit_assessment('00000000-0000-0000-0000-0000000000d2',
    '{"00000000-0000-0000-0000-0000000002a1": "b", "00000000-0000-0000-0000-0000000002a2": "c"}');
  assert (r ->> 'score')::numeric = 100 and (r ->> 'passed')::boolean and r ->> 'tier' = 'BRONZE', 'one of two passed';
  r := public.submit_assessment('00000000-0000-0000-0000-0000000000d3', '{"00000000-0000-0000-0000-0000000002a3": "a"}');
  assert (r ->> 'passed')::boolean and r ->> 'tier' = 'SILVER', 'all assessments passed: SILVER';
  assert (select status from public.student_module_progress
          where student_id = '00000000-0000-0000-0000-0000000000b1' and module_id = '00000000-0000-0000-0000-0000000000d2') = 'Completed',
    'progress upserted';
end $$;

-- a student of client B cannot submit an assessment of a product their client lacks
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b3", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$ begin
  begin
    perform public.submit_assessment('00000000-0000-0000-0000-0000000000d4', '{}');
    raise exception 'submitted a module of an unassigned product';
  exception when insufficient_privilege then null;
  end;
end $$;

-- staff who are not students cannot submit (there is no student row to write for)
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}');
do $$ begin
  begin
    perform public.submit_assessment('00000000-0000-0000-0000-0000000000d2', '{}');
    raise exception 'staff submitted an assessment';
  exception when insufficient_privilege then null;
  end;
  assert (select count(*) from public.get_learner_export_batch()) = 3, 'staff may export';
end $$;

select sqlkit_test.authenticate_as('{"role": "anon"}');
do $$ begin
  begin
    perform public.submit_assessment('00000000-0000-0000-0000-0000000000d2', '{}');
    raise exception 'anon called submit_assessment';
  exception when insufficient_privilege then null;
  end;
end $$;
