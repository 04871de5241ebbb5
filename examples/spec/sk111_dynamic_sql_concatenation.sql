-- expect: SK111
-- SPEC: EXECUTE of a string built with || from parameters or variables, without quoting or USING.

create function public.unsafe(p_name text) returns bigint language plpgsql set search_path = '' as $$
declare n bigint;
begin
  execute 'select count(*) from public.students where full_name = ''' || p_name || '''' into n;
  return n;
end $$;

create function public.safe(p_name text, p_table text) returns bigint language plpgsql set search_path = '' as $$
declare n bigint;
begin
  execute format('select count(*) from public.%I where full_name = $1', p_table) into n using p_name;
  return n;
end $$;
