-- Infrastructure tables: the query cache (private, functions only) and the job queue
-- (service_role only). Their functions are repeatable definitions in functions/.

create table private.query_cache (
  cache_key text not null,
  scope text not null default 'global',
  cache_data jsonb not null,
  cache_tags text[] not null default '{}',
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  hit_count bigint not null default 0,
  last_accessed timestamptz not null default now(),
  primary key (cache_key, scope)
) with (fillfactor = 70);
create index query_cache_tags_idx on private.query_cache using gin (cache_tags);
create index query_cache_expires_idx on private.query_cache (expires_at);
alter table private.query_cache enable row level security;
revoke all on table private.query_cache from public, anon, authenticated, service_role;
create sequence private.query_cache_hits;
create sequence private.query_cache_misses;
revoke all on sequence private.query_cache_hits, private.query_cache_misses
  from public, anon, authenticated, service_role;

create table public.background_jobs (
  id bigint generated always as identity primary key,
  type text not null,
  payload jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  retries integer not null default 0,
  max_retries integer not null default 3,
  priority integer not null default 0,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  scheduled_for timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  locked_by text
);
create index background_jobs_pending_idx on public.background_jobs (priority desc, created_at, id)
  where status = 'pending';
create index background_jobs_processing_idx on public.background_jobs (started_at)
  where status = 'processing';
create index background_jobs_finished_idx on public.background_jobs (updated_at)
  where status in ('completed', 'failed');
alter table public.background_jobs enable row level security;
revoke all on table public.background_jobs from public, anon, authenticated;
grant select, insert, update, delete on table public.background_jobs to service_role;
create policy background_jobs_workers on public.background_jobs
  for all to service_role using (true) with check (true);
