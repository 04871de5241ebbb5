-- A student's module progress. Invoker: RLS applies; and a student may only ask
-- about themselves (an explicit error instead of a silently empty answer).
create or replace function public.get_student_progress_summary(p_student_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $fn$
declare
  v_role text := (select auth.jwt() ->> 'user_role');
  v_result jsonb;
begin
  if v_role = 'student' and p_student_id is distinct from (select auth.uid()) then
    raise exception 'students may only read their own progress' using errcode = '42501';
  end if;
  select jsonb_build_object(
           'student_id', s.id,
           'full_name', s.full_name,
           'tier', s.job_readiness_tier,
           'total_modules', count(m.id),
           'completed_modules', count(m.id) filter (where smp.status = 'Completed'),
           'modules', coalesce(jsonb_agg(jsonb_build_object(
               'module_id', m.id,
               'name', m.name,
               'type', m.type,
               'status', coalesce(smp.status, 'NotStarted'),
               'progress_percentage', coalesce(smp.progress_percentage, 0))
             order by m.product_id, m.sequence, m.id) filter (where m.id is not null), '[]'::jsonb))
    into v_result
  from public.students s
  left join public.client_product_assignments a on a.client_id = s.client_id
  left join public.modules m on m.product_id = a.product_id
  left join public.student_module_progress smp on smp.student_id = s.id and smp.module_id = m.id
  where s.id = p_student_id
  group by s.id, s.full_name, s.job_readiness_tier;
  return v_result;
end
$fn$;

revoke execute on function public.get_student_progress_summary(uuid) from public, anon;
grant execute on function public.get_student_progress_summary(uuid) to authenticated;
