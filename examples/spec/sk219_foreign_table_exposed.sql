-- expect: SK219
-- Issue 17 / splinter 0017: a foreign table in an exposed schema readable by anon or authenticated.

create foreign data wrapper stripe_wrapper;
create server stripe_server foreign data wrapper stripe_wrapper;
create foreign table public.stripe_customers (id text, email text) server stripe_server;
create foreign table private.stripe_invoices (id text, total numeric) server stripe_server;
