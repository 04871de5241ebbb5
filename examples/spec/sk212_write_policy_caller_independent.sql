-- expect: SK207, SK212
-- SPEC: a write policy that reaches anon and whose condition does not depend on the caller.
-- sqlkit: lock-timeout=5s

create policy "Anyone can upload an avatar." on storage.objects
  for insert with check (bucket_id = 'avatars');
