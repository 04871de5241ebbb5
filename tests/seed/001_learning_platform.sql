-- Seed data for the reference catalog's behaviour tests (applied to the template
-- database only, never to a real one). Fixed ids so expectations can be hand-checked:
--   users      a0..: admin, staff, viewer, client staff A (ca), client staff B (cb),
--              students s1, s2 (client A), s3 (client B), unknown user (99)
--   clients    A, B;  products P1 (job readiness; A and B), P2 (course; A only)
--   modules    P1: M1 course, M2 assessment, M3 assessment;  P2: M4 course

insert into auth.users (id, email, last_sign_in_at) values
  ('00000000-0000-0000-0000-0000000000a1', 'admin@example.com', '2025-03-01 10:00+00'),
  ('00000000-0000-0000-0000-0000000000a2', 'staff@example.com', '2025-03-02 10:00+00'),
  ('00000000-0000-0000-0000-0000000000a3', 'viewer@example.com', null),
  ('00000000-0000-0000-0000-0000000000ca', 'ca@client-a.example', '2025-03-03 10:00+00'),
  ('00000000-0000-0000-0000-0000000000cb', 'cb@client-b.example', null),
  ('00000000-0000-0000-0000-0000000000b1', 's1@client-a.example', '2025-03-04 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b2', 's2@client-a.example', null),
  ('00000000-0000-0000-0000-0000000000b3', 's3@client-b.example', '2025-03-05 10:00+00'),
  ('00000000-0000-0000-0000-000000000099', 'nobody@example.com', null);

insert into public.clients (id, name, contact_email) values
  ('00000000-0000-0000-0000-00000000c11a', 'Acme Academy', 'hr@client-a.example'),
  ('00000000-0000-0000-0000-00000000c11b', 'Beta Bootcamp', 'hr@client-b.example');

insert into public.profiles (id, full_name, role, client_id) values
  ('00000000-0000-0000-0000-0000000000a1', 'Ada Admin', 'Admin', null),
  ('00000000-0000-0000-0000-0000000000a2', 'Sam Staff', 'Staff', null),
  ('00000000-0000-0000-0000-0000000000a3', 'Vic Viewer', 'Viewer', null),
  ('00000000-0000-0000-0000-0000000000ca', 'Cara ClientA', 'ClientStaff', '00000000-0000-0000-0000-00000000c11a'),
  ('00000000-0000-0000-0000-0000000000cb', 'Cole ClientB', 'ClientStaff', '00000000-0000-0000-0000-00000000c11b');

insert into public.students (id, client_id, full_name, email, is_active, last_login_at, created_at) values
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-00000000c11a', 'Stu One', 's1@client-a.example', true, '2025-03-04 10:00+00', '2025-01-01 09:00+00'),
  ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-00000000c11a', 'Stu Two', 's2@client-a.example', true, null, '2025-01-02 09:00+00'),
  ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-00000000c11b', 'Stu Three', 's3@client-b.example', true, '2025-03-05 10:00+00', '2025-01-03 09:00+00');

insert into public.products (id, name, type) values
  ('00000000-0000-0000-0000-0000000000f1', 'Job Readiness', 'JOB_READINESS'),
  ('00000000-0000-0000-0000-0000000000f2', 'SQL Basics', 'COURSE');

insert into public.client_product_assignments (client_id, product_id) values
  ('00000000-0000-0000-0000-00000000c11a', '00000000-0000-0000-0000-0000000000f1'),
  ('00000000-0000-0000-0000-00000000c11b', '00000000-0000-0000-0000-0000000000f1'),
  ('00000000-0000-0000-0000-00000000c11a', '00000000-0000-0000-0000-0000000000f2');

insert into public.job_readiness_products (product_id, configuration, thresholds) values
  ('00000000-0000-0000-0000-0000000000f1', '{"tiers": ["BRONZE", "SILVER", "GOLD"]}', '{"silver": 70}');

insert into public.modules (id, product_id, name, type, sequence, configuration) values
  ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000f1', 'Orientation', 'Course', 1, '{}'),
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000f1', 'Aptitude Test', 'Assessment', 2, '{"passing_score": 70}'),
  ('00000000-0000-0000-0000-0000000000d3', '00000000-0000-0000-0000-0000000000f1', 'Domain Test', 'Assessment', 3, '{"passing_score": 60}'),
  ('00000000-0000-0000-0000-0000000000d4', '00000000-0000-0000-0000-0000000000f2', 'Selecting Rows', 'Course', 1, '{}');

insert into public.lessons (id, module_id, title, sequence) values
  ('00000000-0000-0000-0000-0000000001e1', '00000000-0000-0000-0000-0000000000d1', 'Welcome', 1),
  ('00000000-0000-0000-0000-0000000001e2', '00000000-0000-0000-0000-0000000000d1', 'How it works', 2),
  ('00000000-0000-0000-0000-0000000001e3', '00000000-0000-0000-0000-0000000000d4', 'SELECT', 1);

insert into public.assessment_questions (id, question_text, options, correct_answer) values
  ('00000000-0000-0000-0000-0000000002a1', '2 + 2?', '["a", "b", "c"]', '"b"'),
  ('00000000-0000-0000-0000-0000000002a2', 'Capital of France?', '["a", "b", "c"]', '"c"'),
  ('00000000-0000-0000-0000-0000000002a3', 'Primary key?', '["a", "b"]', '"a"');

insert into public.assessment_module_questions (module_id, question_id, sequence) values
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000002a1', 1),
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000002a2', 2),
  ('00000000-0000-0000-0000-0000000000d3', '00000000-0000-0000-0000-0000000002a3', 1);

insert into public.student_module_progress (student_id, module_id, status, progress_percentage, last_updated) values
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d1', 'Completed', 100, '2025-02-01 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d2', 'InProgress', 50, '2025-02-02 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d4', 'Completed', 100, '2025-02-03 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000d1', 'InProgress', 40, '2025-02-04 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000d1', 'Completed', 100, '2025-02-05 10:00+00');

insert into public.assessment_submissions (student_id, assessment_id, answers, score, passed, submitted_at) values
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d2', '{}', 50, false, '2025-02-10 10:00+00'),
  ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000d2', '{}', 100, true, '2025-02-11 10:00+00');

insert into public.job_readiness_expert_sessions (id, title, video_url, video_duration, is_active, created_at) values
  ('00000000-0000-0000-0000-0000000003e1', 'Interview skills', 'https://video.example/e1', 600, true, '2025-01-10 00:00+00'),
  ('00000000-0000-0000-0000-0000000003e2', 'SQL careers', 'https://video.example/e2', 300, true, '2025-01-11 00:00+00'),
  ('00000000-0000-0000-0000-0000000003e3', 'Retired talk', 'https://video.example/e3', 100, false, '2025-01-12 00:00+00');

insert into public.job_readiness_expert_session_products (expert_session_id, product_id) values
  ('00000000-0000-0000-0000-0000000003e1', '00000000-0000-0000-0000-0000000000f1'),
  ('00000000-0000-0000-0000-0000000003e2', '00000000-0000-0000-0000-0000000000f2'),
  ('00000000-0000-0000-0000-0000000003e3', '00000000-0000-0000-0000-0000000000f1');

insert into public.job_readiness_expert_session_progress (student_id, expert_session_id, watch_time_seconds, is_completed) values
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000003e1', 600, true),
  ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000003e1', 300, false),
  ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000003e1', 600, true),
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000003e2', 100, false);

insert into public.interview_submissions (student_id, video_storage_path, tier_when_submitted) values
  ('00000000-0000-0000-0000-0000000000b1', 'interviews/b1/first.mp4', 'BRONZE');

-- the seed itself filled the cache's invalidation triggers with nothing to do; start clean
delete from private.query_cache;
