-- A deliberately broken migration: every function here has a classic bug.
create table public.submissions (
  id bigint generated always as identity primary key,
  student_id uuid not null,
  score int not null
);

create function public.submit_score(p_student_id uuid, p_score int)
returns void
language plpgsql
security definer
as $$
begin
  insert into submissions (student_id, score) values (p_student_id, p_score);
  raise notice 'stored score %s for %', p_score, p_student_id;
end
$$;

revoke execute on function public.submit_score(uuid, int) from anon;

create function public.cache_get(p_key text)
returns jsonb
language sql
stable
set search_path = public
as $$
  update query_cache set hit_count = hit_count + 1 where cache_key = p_key
  returning cache_data
$$;

create function public.search_students(p_name text, p_page int)
returns setof public.students
language plpgsql
set search_path = ''
as $$
begin
  return query execute 'select * from public.students where full_name like ''' || p_name || '%'''
    || ' order by created_at offset ' || (p_page * 50);
  return query select * from public.students order by created_at limit 50 offset p_page * 50;
end
$$;

create function public.count_students() returns bigint
language sql set search_path = '' as $$ select count(*) from students $$;

selec 1;
