-- Learning progress, assessments, expert sessions and mock interviews.

create table public.student_module_progress (
  student_id uuid not null references public.students (id) on delete cascade,
  module_id uuid not null references public.modules (id) on delete cascade,
  status text not null default 'NotStarted' check (status in ('NotStarted', 'InProgress', 'Completed')),
  progress_percentage integer not null default 0 check (progress_percentage between 0 and 100),
  progress_details jsonb not null default '{}',
  last_updated timestamptz not null default now(),
  primary key (student_id, module_id)
);
create index student_module_progress_module_id_idx on public.student_module_progress (module_id);

create table public.assessment_progress (
  student_id uuid not null references public.students (id) on delete cascade,
  module_id uuid not null references public.modules (id) on delete cascade,
  status text not null default 'InProgress' check (status in ('NotStarted', 'InProgress', 'Completed')),
  score numeric(5, 2),
  saved_answers jsonb not null default '{}',
  started_at timestamptz not null default now(),
  remaining_time_seconds integer,
  completed_at timestamptz,
  submitted_at timestamptz,
  primary key (student_id, module_id)
);
create index assessment_progress_module_id_idx on public.assessment_progress (module_id);

create table public.assessment_submissions (
  id uuid primary key default gen_random_uuid(),
  student_id uuid not null references public.students (id) on delete cascade,
  assessment_id uuid not null references public.modules (id) on delete cascade,
  answers jsonb not null,
  score numeric(5, 2) not null check (score between 0 and 100),
  passed boolean not null,
  submitted_at timestamptz not null default now()
);
create index assessment_submissions_student_id_idx on public.assessment_submissions (student_id, assessment_id);
create index assessment_submissions_assessment_id_idx on public.assessment_submissions (assessment_id);

create table public.job_readiness_expert_sessions (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  description text,
  video_url text not null,
  video_duration integer not null check (video_duration > 0),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.job_readiness_expert_session_products (
  expert_session_id uuid not null references public.job_readiness_expert_sessions (id) on delete cascade,
  product_id uuid not null references public.products (id) on delete cascade,
  primary key (expert_session_id, product_id)
);
create index job_readiness_expert_session_products_product_id_idx
  on public.job_readiness_expert_session_products (product_id);

create table public.job_readiness_expert_session_progress (
  student_id uuid not null references public.students (id) on delete cascade,
  expert_session_id uuid not null references public.job_readiness_expert_sessions (id) on delete cascade,
  watch_time_seconds integer not null default 0 check (watch_time_seconds >= 0),
  is_completed boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (student_id, expert_session_id)
);
create index job_readiness_expert_session_progress_session_idx
  on public.job_readiness_expert_session_progress (expert_session_id);

create table public.interview_submissions (
  id uuid primary key default gen_random_uuid(),
  student_id uuid not null references public.students (id) on delete cascade,
  video_storage_path text not null,
  status text not null default 'submitted' check (status in ('submitted', 'analyzing', 'analyzed', 'failed')),
  tier_when_submitted text check (tier_when_submitted in ('BRONZE', 'SILVER', 'GOLD')),
  analysis_result jsonb,
  feedback text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  analyzed_at timestamptz
);
create index interview_submissions_student_id_idx on public.interview_submissions (student_id, created_at);

alter table public.student_module_progress enable row level security;
alter table public.assessment_progress enable row level security;
alter table public.assessment_submissions enable row level security;
alter table public.job_readiness_expert_sessions enable row level security;
alter table public.job_readiness_expert_session_products enable row level security;
alter table public.job_readiness_expert_session_progress enable row level security;
alter table public.interview_submissions enable row level security;
