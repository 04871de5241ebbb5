-- The learning platform's core: clients, staff profiles, students, the product catalog.
-- Every table has RLS enabled here; policies live in policies/ (repeatable).

create schema if not exists private;
revoke all on schema private from public;

create table public.clients (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  contact_email text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text not null,
  role text not null check (role in ('Admin', 'Staff', 'Viewer', 'ClientStaff')),
  client_id uuid references public.clients (id) on delete set null,
  is_active boolean not null default true,
  status text not null default 'active',
  is_enrolled boolean not null default false,
  updated_at timestamptz not null default now(),
  check (role <> 'ClientStaff' or client_id is not null)
);
create index profiles_client_id_idx on public.profiles (client_id);

create table public.students (
  id uuid primary key references auth.users (id) on delete cascade,
  client_id uuid not null references public.clients (id) on delete restrict,
  full_name text not null,
  email text,
  phone_number text,
  is_active boolean not null default true,
  star_rating integer check (star_rating between 0 and 5),
  job_readiness_star_level integer not null default 0,
  job_readiness_tier text not null default 'BRONZE' check (job_readiness_tier in ('BRONZE', 'SILVER', 'GOLD')),
  job_readiness_background_type text,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index students_client_id_idx on public.students (client_id);
-- keyset export: (created_at, id) pages
create index students_created_at_id_idx on public.students (created_at, id);

create table public.products (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  type text not null default 'COURSE',
  image_url text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index products_created_by_idx on public.products (created_by);

create table public.client_product_assignments (
  client_id uuid not null references public.clients (id) on delete cascade,
  product_id uuid not null references public.products (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (client_id, product_id)
);
create index client_product_assignments_product_id_idx on public.client_product_assignments (product_id);

create table public.job_readiness_products (
  product_id uuid primary key references public.products (id) on delete cascade,
  configuration jsonb not null default '{}',
  thresholds jsonb not null default '{}'
);

create table public.modules (
  id uuid primary key default gen_random_uuid(),
  product_id uuid not null references public.products (id) on delete cascade,
  name text not null,
  type text not null check (type in ('Course', 'Assessment')),
  sequence integer not null default 0,
  configuration jsonb not null default '{}',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index modules_product_id_idx on public.modules (product_id, sequence);
create index modules_created_by_idx on public.modules (created_by);

create table public.lessons (
  id uuid primary key default gen_random_uuid(),
  module_id uuid not null references public.modules (id) on delete cascade,
  title text not null,
  description text,
  video_url text,
  sequence integer not null default 0,
  has_quiz boolean not null default false,
  quiz_data jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index lessons_module_id_idx on public.lessons (module_id, sequence);

create table public.assessment_questions (
  id uuid primary key default gen_random_uuid(),
  question_text text not null,
  question_type text not null default 'MCQ',
  options jsonb not null default '[]',
  correct_answer jsonb not null,
  topic text,
  difficulty text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index assessment_questions_created_by_idx on public.assessment_questions (created_by);

create table public.assessment_module_questions (
  module_id uuid not null references public.modules (id) on delete cascade,
  question_id uuid not null references public.assessment_questions (id) on delete cascade,
  sequence integer not null default 0,
  primary key (module_id, question_id)
);
create index assessment_module_questions_question_id_idx on public.assessment_module_questions (question_id);

alter table public.clients enable row level security;
alter table public.profiles enable row level security;
alter table public.students enable row level security;
alter table public.products enable row level security;
alter table public.client_product_assignments enable row level security;
alter table public.job_readiness_products enable row level security;
alter table public.modules enable row level security;
alter table public.lessons enable row level security;
alter table public.assessment_questions enable row level security;
alter table public.assessment_module_questions enable row level security;

-- Correct answers never leave the database through the API: only staff read questions.
revoke all on table public.assessment_questions from anon;
