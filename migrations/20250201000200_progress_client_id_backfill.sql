-- sqlkit: no-transaction
-- Step 2 of 3 (see 20250201000100): fill client_id on the rows written before step 1, in batches
-- of 5,000 rows in primary-key order, each batch committed on its own. No transaction is long,
-- row locks are held on one batch at a time, and every batch reads the primary key index from
-- where the last one stopped (never the whole table again). Rows written meanwhile are filled by
-- step 1's trigger. Running it again is harmless: it only touches rows still without client_id.
set lock_timeout = '5s';

do $$
declare
  v_after_student uuid;
  v_after_module uuid;
  v_last_student uuid;
  v_last_module uuid;
begin
  loop
    select b.student_id, b.module_id
      into v_last_student, v_last_module
    from (
      select p.student_id, p.module_id
      from public.student_module_progress p
      where v_after_student is null or (p.student_id, p.module_id) > (v_after_student, v_after_module)
      order by p.student_id, p.module_id
      limit 5000
    ) b
    order by b.student_id desc, b.module_id desc
    limit 1;
    exit when not found;

    update public.student_module_progress p
    set client_id = s.client_id
    from public.students s
    where s.id = p.student_id
      and p.client_id is null
      and (v_after_student is null or (p.student_id, p.module_id) > (v_after_student, v_after_module))
      and (p.student_id, p.module_id) <= (v_last_student, v_last_module);

    v_after_student := v_last_student;
    v_after_module := v_last_module;
    commit;
  end loop;
end
$$;

-- Built after the backfill (no index maintenance during it), without blocking writes. A build
-- that fails leaves an invalid index: drop it and run this file again.
create index concurrently if not exists student_module_progress_client_recent_idx
  on public.student_module_progress (client_id, last_updated desc, student_id, module_id);

reset lock_timeout;
