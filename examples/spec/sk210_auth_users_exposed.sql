-- expect: SK210
-- SPEC: a view in an exposed schema reads auth.users.

create view public.user_emails with (security_invoker = true) as select u.id, u.email from auth.users u;
create view private.user_emails with (security_invoker = true) as select u.id, u.email from auth.users u;
