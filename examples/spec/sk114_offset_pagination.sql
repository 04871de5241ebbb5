-- expect: SK114
-- SPEC: a function pages with OFFSET driven by a parameter; keyset pagination scales.

create function public.page_offset(p_limit int, p_offset int) returns setof uuid language sql stable set search_path = ''
as $$ select id from public.students order by created_at, id limit p_limit offset p_offset $$;

create function public.page_keyset(p_after_created_at timestamptz, p_after_id uuid, p_limit int)
returns setof uuid language sql stable set search_path = ''
as $$ select id from public.students where (created_at, id) > (p_after_created_at, p_after_id)
      order by created_at, id limit p_limit $$;
