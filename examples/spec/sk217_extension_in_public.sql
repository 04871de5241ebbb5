-- expect: SK217
-- Issue 17 / splinter 0014: an extension created in public (also without SCHEMA).

create extension if not exists vector;
create extension if not exists citext with schema extensions;
create extension if not exists pgcrypto;
create extension if not exists pg_net;
