-- expect: SK000
-- SPEC: "the parser rejects a statement" — and the rest of the file is still linted.

create tabel public.notes (id bigint primary key);
select 1;
