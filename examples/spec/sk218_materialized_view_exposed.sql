-- expect: SK218
-- Issue 17 / splinter 0016: a materialized view in an exposed schema readable by anon or authenticated.

create materialized view public.daily_totals as select 1 as day, 100 as total;
create materialized view private.monthly_totals as select 1 as month, 100 as total;
