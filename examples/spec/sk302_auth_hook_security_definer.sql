-- expect: SK302
-- SPEC: the hook is SECURITY DEFINER (the auth server calls it as supabase_auth_admin already).

-- definer: reads the profiles table to build the claims
create function public.custom_access_token_hook(event jsonb) returns jsonb
language sql stable security definer set search_path = '' as $$ select event $$;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
