-- expect: SK220
-- Issue 17 / splinter 0018: a column of a reg* type pg_upgrade cannot upgrade.

create table private.jobs (id bigint primary key, handler regproc, target regclass, kind regtype);
