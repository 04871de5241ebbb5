-- An audit log written by triggers.
create table public.audit_log (
  id bigint generated always as identity primary key,
  table_name text not null,
  row_id uuid,
  changed_by uuid default auth.uid(),
  changed_at timestamptz not null default now()
);

-- security definer: writes the audit log, which callers cannot
create function public.log_change() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into audit_log (table_name, row_id) values (tg_table_name, new.id);
  return new;
end $$;

create trigger teams_audit after insert or update on public.teams
  for each row execute function public.log_change();
