-- expect: SK213
-- SPEC: a permissive UPDATE policy with WITH CHECK and no USING grants no existing row.
-- sqlkit: lock-timeout=5s

create policy "Users can update their own files" on storage.objects
  for update to authenticated
  with check (bucket_id = 'files' and owner = (select auth.uid()));
