-- 3. RLS: a student sees only their rows; client staff of client A see nothing of client B;
--    anon sees nothing.
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b1", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$ begin
  assert (select count(*) from public.students) = 1, 'a student sees only their own student row';
  assert (select bool_and(student_id = '00000000-0000-0000-0000-0000000000b1') from public.student_module_progress), 'own progress only';
  assert (select count(*) from public.student_module_progress) = 3, 's1 has 3 progress rows';
  assert (select count(*) from public.assessment_submissions) = 1, 'own submissions only';
  assert (select count(*) from public.products) = 2, 'products of their client';
  assert (select count(*) from public.assessment_questions) = 0, 'no correct answers for students';
  assert (select count(*) from public.profiles) = 0, 'no staff profiles';
  assert (select count(*) from public.clients) = 1, 'their own client';
  -- a student records their own progress, but not someone else's
  update public.student_module_progress set progress_percentage = 60
   where module_id = '00000000-0000-0000-0000-0000000000d2';
  begin
    insert into public.student_module_progress (student_id, module_id, status)
    values ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000d4', 'Completed');
    raise exception 'a student wrote progress for another student';
  exception when insufficient_privilege then null;
  end;
  begin
    insert into public.assessment_submissions (student_id, assessment_id, answers, score, passed)
    values ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d2', '{}', 100, true);
    raise exception 'a student inserted their own score';
  exception when insufficient_privilege then null;
  end;
end $$;

select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000b3", "role": "authenticated", "user_role": "student", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$ begin
  assert (select count(*) from public.products) = 1, 'Beta is enrolled in P1 only';
  assert (select count(*) from public.modules) = 3, 'modules of P1 only';
end $$;

select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$ begin
  assert (select count(*) from public.students) = 2, 'client staff A see their 2 students';
  assert not exists (select 1 from public.students where client_id = '00000000-0000-0000-0000-00000000c11b'), 'nothing of client B';
  assert not exists (select 1 from public.student_module_progress where student_id = '00000000-0000-0000-0000-0000000000b3'), 'no progress of B';
  assert (select count(*) from public.interview_submissions) = 1, 'interviews of their students';
  assert (select count(*) from public.clients) = 1, 'only client A';
  begin
    update public.students set full_name = 'x' where id = '00000000-0000-0000-0000-0000000000b1';
    if found then raise exception 'client staff edited a student'; end if;
  end;
end $$;

select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}');
do $$ begin
  assert (select count(*) from public.students) = 3, 'staff see every student';
  assert (select count(*) from public.assessment_questions) = 3, 'staff read questions';
end $$;

select sqlkit_test.authenticate_as('{"role": "anon"}');
do $$ begin
  assert (select count(*) from public.students) = 0, 'anon: no students';
  assert (select count(*) from public.products) = 0, 'anon: no products';
  assert (select count(*) from public.clients) = 0, 'anon: no clients';
  assert (select count(*) from public.student_module_progress) = 0, 'anon: no progress';
  begin
    perform 1 from public.assessment_questions;
    raise exception 'anon could select questions';
  exception when insufficient_privilege then null;
  end;
end $$;
