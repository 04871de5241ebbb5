-- Two cached RPCs (expert sessions with stats, client configurations), cache_stats and
-- cache_cleanup_expired. Counters are sequences (not rolled back), so the checks use differences.
create temporary table seen (label text primary key, value jsonb) on commit drop;
grant all on seen to authenticated;
create function pg_temp.counters() returns jsonb language sql as $$
  select to_jsonb(s) from private.cache_stats() s
$$;
insert into seen values ('stats0', pg_temp.counters());

-- get_expert_sessions_with_stats_cached: staff only; miss, hit, and a watch-time write shows at once
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}');
insert into seen values ('sessions1', public.get_expert_sessions_with_stats_cached());
insert into seen values ('sessions2', public.get_expert_sessions_with_stats_cached());
insert into seen values ('sessions_f2', public.get_expert_sessions_with_stats_cached('00000000-0000-0000-0000-0000000000f2'));
select sqlkit_test.clear_authentication();
do $$
declare
  s jsonb := (select value from seen where label = 'sessions1');
begin
  assert s = public.get_expert_sessions_with_stats(), 'cached value equals the computation';
  assert (select value from seen where label = 'sessions2') = s, 'the hit returns it';
  assert (s -> 0 ->> 'total_viewers')::int = 3 and (s -> 0 ->> 'average_watch_time')::numeric = 500.00, 'E1 stats';
  assert jsonb_array_length((select value from seen where label = 'sessions_f2')) = 1, 'the product filter is part of the key';
  assert (select count(*) from private.query_cache where cache_key like 'get_expert_sessions_with_stats_cached:%' and scope = 'global') = 2,
    'one global entry per product filter';
  update public.job_readiness_expert_session_progress set watch_time_seconds = 0, is_completed = false
  where expert_session_id = '00000000-0000-0000-0000-0000000003e1' and student_id = '00000000-0000-0000-0000-0000000000b1';
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a2", "role": "authenticated", "user_role": "staff"}');
do $$
declare
  s jsonb := public.get_expert_sessions_with_stats_cached();
begin
  assert (s -> 0 ->> 'average_watch_time')::numeric = 300.00 and (s -> 0 ->> 'completion_rate')::numeric = 0.3333,
    'a progress write invalidates: (0 + 300 + 600) / 3, 1 of 3 completed; got ' || (s -> 0)::text;
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000ca", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11a"}');
do $$ begin
  begin
    perform public.get_expert_sessions_with_stats_cached();
    raise exception 'client staff read the all-clients viewer statistics';
  exception when insufficient_privilege then null;
  end;
end $$;

-- get_client_configurations_cached: client staff get their client's configuration, whatever they ask
do $$
declare
  a jsonb := public.get_client_configurations_cached();
begin
  assert jsonb_array_length(a) = 1 and a -> 0 ->> 'name' = 'Acme Academy', 'client staff A: A only';
  assert jsonb_array_length(a -> 0 -> 'products') = 2, 'A has two products';
  assert public.get_client_configurations_cached('00000000-0000-0000-0000-00000000c11b') = a, 'asking for B gives A''s';
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$
declare
  b jsonb := public.get_client_configurations_cached();
begin
  assert jsonb_array_length(b) = 1 and b -> 0 ->> 'name' = 'Beta Bootcamp', 'client staff B: B, not A''s cached entry';
  assert jsonb_array_length(b -> 0 -> 'products') = 1, 'B has one product';
end $$;
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated", "user_role": "admin"}');
do $$ begin
  assert jsonb_array_length(public.get_client_configurations_cached()) = 2, 'admin: every client';
  assert public.get_client_configurations_cached('00000000-0000-0000-0000-00000000c11b') -> 0 ->> 'name' = 'Beta Bootcamp', 'admin may pick a client';
end $$;
select sqlkit_test.clear_authentication();
update public.clients set name = 'Beta Academy' where id = '00000000-0000-0000-0000-00000000c11b';
insert into public.client_product_assignments (client_id, product_id)
values ('00000000-0000-0000-0000-00000000c11b', '00000000-0000-0000-0000-0000000000f2');
select sqlkit_test.authenticate_as('{"sub": "00000000-0000-0000-0000-0000000000cb", "role": "authenticated", "user_role": "client_staff", "client_id": "00000000-0000-0000-0000-00000000c11b"}');
do $$
declare
  b jsonb := public.get_client_configurations_cached();
begin
  assert b -> 0 ->> 'name' = 'Beta Academy' and jsonb_array_length(b -> 0 -> 'products') = 2,
    'a rename and a new assignment are seen at once; got ' || b::text;
end $$;
select sqlkit_test.clear_authentication();

-- cache_stats: every answer counted once (hits, misses = computations), entries and hit rate
do $$
declare
  s0 jsonb := (select value from seen where label = 'stats0');
  s1 jsonb := pg_temp.counters();
begin
  -- misses: sessions (2 filters) + sessions again + configs A, B, admin all, admin B + B again = 8
  assert (s1 ->> 'misses')::int - (s0 ->> 'misses')::int = 8, 'eight computations, got ' || ((s1 ->> 'misses')::int - (s0 ->> 'misses')::int);
  -- hits: sessions2 + A asking for B (same key as A's)
  assert (s1 ->> 'hits')::int - (s0 ->> 'hits')::int = 2, 'two hits, got ' || ((s1 ->> 'hits')::int - (s0 ->> 'hits')::int);
  assert (s1 ->> 'entries')::int = (select count(*) from private.query_cache), 'entries';
  assert (s1 ->> 'expired')::int = (select count(*) from private.query_cache where expires_at <= now()), 'expired (and invalidated) entries';
  assert (s1 ->> 'hit_rate')::numeric = round(((s1 ->> 'hits')::numeric + (s1 ->> 'stale_hits')::numeric)
                                                / ((s1 ->> 'hits')::numeric + (s1 ->> 'stale_hits')::numeric + (s1 ->> 'misses')::numeric), 4),
    'hit rate = answers from the cache / all answers';
end $$;

-- cache_cleanup_expired: removes what can no longer be served, keeps fresh and stale-servable entries
do $$
declare
  removed integer;
begin
  delete from private.query_cache;
  perform private.cache_set('fresh', 'global', '1', array['t'], interval '1 hour');
  perform private.cache_set('expired', 'global', '1', array['t'], interval '1 hour');
  update private.query_cache set expires_at = now() - interval '1 minute' where cache_key = 'expired';
  perform private.cache_store('stale_ok', 'global', '1', array['t'], interval '1 hour', interval '10 minutes');
  perform private.cache_store('stale_gone', 'global', '1', array['t'], interval '1 hour', interval '10 minutes');
  update private.query_cache set expires_at = now() - interval '1 minute', stale_until = now() + interval '5 minutes' where cache_key = 'stale_ok';
  update private.query_cache set expires_at = now() - interval '20 minutes', stale_until = now() - interval '1 minute' where cache_key = 'stale_gone';
  assert (select stale_entries from private.cache_stats()) = 1, 'one entry servable stale';
  removed := private.cache_cleanup_expired();
  assert removed = 2, 'two removed, got ' || removed;
  assert (select array_agg(cache_key order by cache_key) from private.query_cache) = array['fresh', 'stale_ok'], 'fresh and stale-servable kept';
  assert private.cache_cleanup_expired() = 0, 'nothing left to clean';
end $$;

-- cache_store stores a result computed before an invalidation already stale (generation check)
do $$
declare
  l record;
begin
  perform private.cache_store('g', 'global', '"old"', array['gen'], interval '1 hour', interval '10 minutes');
  select * into l from private.cache_lookup('g', 'global');
  assert l.state = 'fresh' and l.generation = 0, 'fresh, generation 0';
  assert private.cache_invalidate_tags(array['gen']) = 1, 'invalidated';
  select * into l from private.cache_lookup('g', 'global');
  assert l.state = 'stale' and l.data = '"old"' and l.generation = 1, 'stale inside its window, generation 1';
  -- a computation that began at generation 0 ends after the invalidation
  perform private.cache_store('g', 'global', '"computed before"', array['gen'], interval '1 hour', interval '10 minutes', 0);
  select * into l from private.cache_lookup('g', 'global');
  assert l.state = 'stale' and l.data = '"computed before"', 'stored, but stale';
  perform private.cache_store('g', 'global', '"computed after"', array['gen'], interval '1 hour', interval '10 minutes', 1);
  select * into l from private.cache_lookup('g', 'global');
  assert l.state = 'fresh' and l.data = '"computed after"', 'a computation that saw the invalidation is fresh';
  -- an entry without a stale window is not servable once invalidated
  perform private.cache_set('nostale', 'global', '1', array['gen2'], interval '1 hour');
  perform private.cache_invalidate_tags(array['gen2']);
  select * into l from private.cache_lookup('nostale', 'global');
  assert l.state = 'missing' and l.data is null, 'no stale window: missing';
end $$;
