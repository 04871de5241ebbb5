-- expect: SK121, SK121
-- SPEC: a column its relation does not have: in a policy when it is created, and NEW.x in a
-- trigger function against the table the trigger fires on.

create table public.notes (id bigint primary key, owner_id uuid, body text);
alter table public.notes enable row level security;
create policy own_notes on public.notes for select to authenticated
  using (author_id = (select auth.uid()));

create function public.notes_touch() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end $$;
create trigger notes_touch before update on public.notes
  for each row execute function public.notes_touch();
