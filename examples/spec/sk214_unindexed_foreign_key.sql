-- expect: SK214
-- Issue 17 / splinter 0001: a foreign key whose columns are not the leading columns of any index.

create table public.orders (id bigint primary key);
alter table public.orders enable row level security;
create policy orders_read on public.orders for select to authenticated using (true);
create table public.order_items (id bigint primary key, order_id bigint references public.orders);
alter table public.order_items enable row level security;
create policy order_items_read on public.order_items for select to authenticated using (true);
create table public.order_notes (id bigint primary key, order_id bigint references public.orders);
alter table public.order_notes enable row level security;
create policy order_notes_read on public.order_notes for select to authenticated using (true);
create index on public.order_notes (order_id);
