-- A compliant migration: what sqlkit expects a Supabase RPC to look like.
create table public.students (
  id uuid primary key references auth.users (id),
  client_id uuid not null,
  full_name text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
alter table public.students enable row level security;
create index students_client_id_idx on public.students (client_id);

create policy students_read_own on public.students
  for select to authenticated
  using ((select auth.uid()) = id);

-- Invoker: RLS decides what the caller sees. Stable: it only reads.
create or replace function public.get_my_progress_summary()
returns table (student_id uuid, full_name text, is_active boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  select s.id, s.full_name, s.is_active
  from public.students s
  where s.id = (select auth.uid())
$$;

revoke execute on function public.get_my_progress_summary() from public, anon;
grant execute on function public.get_my_progress_summary() to authenticated;

-- Security definer: students cannot read auth.users, so reading the
-- email needs the owner's rights; the caller is checked against auth.uid().
create or replace function public.get_my_email()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_email text;
begin
  select u.email into v_email from auth.users u where u.id = (select auth.uid());
  if v_email is null then
    raise exception 'no user for % (sign in first)', (select auth.uid());
  end if;
  return v_email;
end
$$;

revoke execute on function public.get_my_email() from public, anon;
grant execute on function public.get_my_email() to authenticated;
