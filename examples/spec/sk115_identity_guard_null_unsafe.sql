-- expect: SK115, SK115
-- SPEC: a guard that denies when the caller's identity differs (<>, !=, NOT IN) is skipped when
-- the identity is NULL; so is a trigger's NEW.col <> OLD.col change guard for NULL values.

create function public.delete_note(p_note_id uuid) returns void
language plpgsql set search_path = '' as $$
declare v_owner uuid;
begin
  select n.owner_id into v_owner from public.notes n where n.id = p_note_id;
  if auth.uid() <> v_owner then
    raise exception 'not your note';
  end if;
  delete from public.notes where id = p_note_id;
end $$;

create function public.protect_email() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.email <> old.email then
    raise exception 'email cannot be changed here';
  end if;
  return new;
end $$;
