-- expect: SK221
-- Issue 17 / splinter 0019: a pgmq queue table exposed over the API without RLS.
-- settings: {"exposed_schemas": ["public", "pgmq_public"]}

select pgmq.create('emails');
grant select, insert, update, delete on pgmq.q_emails to authenticated;
select pgmq.create('orders');
grant select, insert, update, delete on pgmq.q_orders to authenticated;
alter table pgmq.q_orders enable row level security;
create policy orders_own on pgmq.q_orders for all to authenticated
  using ((message ->> 'user_id')::uuid = (select auth.uid()));
