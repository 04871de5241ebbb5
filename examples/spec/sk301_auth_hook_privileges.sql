-- expect: SK301
-- SPEC: a custom access token hook is not granted to supabase_auth_admin or is still executable
-- by anon, authenticated or PUBLIC.

create function public.custom_access_token_hook(event jsonb) returns jsonb
language sql stable set search_path = '' as $$ select event $$;
