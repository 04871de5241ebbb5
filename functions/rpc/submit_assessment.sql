-- Security definer: a student may not write submissions, scores or tiers directly.
-- It records a submission for the caller only (auth.uid()), scores it on the server
-- from assessment_questions.correct_answer, and never takes a student id, score or
-- pass flag from the client.
create or replace function public.submit_assessment(p_module_id uuid, p_answers jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $fn$
declare
  v_student_id uuid := (select auth.uid());
  v_product_id uuid;
  v_passing numeric;
  v_total integer;
  v_correct integer;
  v_score numeric(5, 2);
  v_passed boolean;
  v_submission_id uuid;
  v_tier text;
begin
  if v_student_id is null then
    raise exception 'sign in to submit an assessment' using errcode = '42501';
  end if;
  if not exists (select 1 from public.students s where s.id = v_student_id and s.is_active) then
    raise exception 'only active students submit assessments' using errcode = '42501';
  end if;
  select m.product_id, coalesce((m.configuration ->> 'passing_score')::numeric, 70)
    into v_product_id, v_passing
  from public.modules m
  join public.client_product_assignments a on a.product_id = m.product_id
  join public.students s on s.client_id = a.client_id and s.id = v_student_id
  where m.id = p_module_id and m.type = 'Assessment';
  if not found then
    raise exception 'assessment % is not available to this student', p_module_id using errcode = '42501';
  end if;

  select count(*), count(*) filter (where p_answers -> (q.id::text) = q.correct_answer)
    into v_total, v_correct
  from public.assessment_module_questions mq
  join public.assessment_questions q on q.id = mq.question_id
  where mq.module_id = p_module_id;
  if v_total = 0 then
    raise exception 'assessment % has no questions', p_module_id using errcode = '22023';
  end if;
  v_score := round(100.0 * v_correct / v_total, 2);
  v_passed := v_score >= v_passing;

  insert into public.assessment_submissions (student_id, assessment_id, answers, score, passed)
  values (v_student_id, p_module_id, coalesce(p_answers, '{}'), v_score, v_passed)
  returning id into v_submission_id;

  insert into public.assessment_progress as ap
    (student_id, module_id, status, score, saved_answers, completed_at, submitted_at)
  values (v_student_id, p_module_id, 'Completed', v_score, coalesce(p_answers, '{}'), now(), now())
  on conflict (student_id, module_id) do update
    set status = 'Completed', score = excluded.score, saved_answers = excluded.saved_answers,
        completed_at = excluded.completed_at, submitted_at = excluded.submitted_at;

  insert into public.student_module_progress as smp
    (student_id, module_id, status, progress_percentage, progress_details, last_updated)
  values (v_student_id, p_module_id, case when v_passed then 'Completed' else 'InProgress' end,
          case when v_passed then 100 else 50 end, jsonb_build_object('last_score', v_score), now())
  on conflict (student_id, module_id) do update
    set status = case when smp.status = 'Completed' or v_passed then 'Completed' else 'InProgress' end,
        progress_percentage = greatest(smp.progress_percentage, excluded.progress_percentage),
        progress_details = smp.progress_details || excluded.progress_details,
        last_updated = excluded.last_updated;

  -- BRONZE -> SILVER once every assessment module of the product has a passing submission
  update public.students s
  set job_readiness_tier = 'SILVER', updated_at = now()
  where s.id = v_student_id
    and s.job_readiness_tier = 'BRONZE'
    and not exists (
      select 1 from public.modules m
      where m.product_id = v_product_id and m.type = 'Assessment'
        and not exists (
          select 1 from public.assessment_submissions sub
          where sub.student_id = v_student_id and sub.assessment_id = m.id and sub.passed));
  select s.job_readiness_tier into v_tier from public.students s where s.id = v_student_id;

  return jsonb_build_object('submission_id', v_submission_id, 'score', v_score, 'passed', v_passed,
                            'correct', v_correct, 'total', v_total, 'tier', v_tier);
end
$fn$;

revoke execute on function public.submit_assessment(uuid, jsonb) from public, anon;
grant execute on function public.submit_assessment(uuid, jsonb) to authenticated;
