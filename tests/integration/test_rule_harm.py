"""What each new rule reports is a real harm: in a real Postgres (Supabase shim, callers set
with sqlkit_test.authenticate_as), the attack succeeds on the form the rule reports and
fails on the fixed form, which the rule does not report."""

from __future__ import annotations

from typing import Any

import psycopg

from sqlkit.testing import authenticate_as
from tests.conftest import lint_text

ALICE = "00000000-0000-0000-0000-0000000000a1"
BOB = "00000000-0000-0000-0000-0000000000b0"


def _codes(sql: str) -> set[str]:
    return {f.code for f in lint_text(sql).findings}


def _one(conn: psycopg.Connection, query: str, *params: Any) -> Any:
    row = conn.execute(query, params or None).fetchone()
    return row[0] if row else None


def _as(conn: psycopg.Connection, sub: str | None, role: str = "authenticated") -> None:
    conn.execute("select sqlkit_test.clear_authentication()")
    authenticate_as(conn, {"role": role, **({"sub": sub} if sub else {})})


def _back(conn: psycopg.Connection) -> None:
    conn.execute("select sqlkit_test.clear_authentication()")


def _attempt(conn: psycopg.Connection, sql: str, *params: Any) -> int | str:
    """Rows affected, or the SQLSTATE of the error (in a savepoint)."""
    try:
        with conn.transaction():
            return conn.execute(sql, params or None).rowcount
    except psycopg.Error as exc:
        return exc.sqlstate or "?"


def test_sk115_a_null_identity_skips_the_guard(sqlkit_db: psycopg.Connection) -> None:
    failing = """
create table public.h_notes (id int primary key, owner_id uuid not null);
alter table public.h_notes enable row level security;
-- definer: deletes a note after checking that the caller owns it
create function public.h_delete(p_id int) returns void language plpgsql security definer
set search_path = '' as $$
declare v_owner uuid;
begin
  select n.owner_id into v_owner from public.h_notes n where n.id = p_id;
  if auth.uid() <> v_owner then
    raise exception 'not your note' using errcode = '42501';
  end if;
  delete from public.h_notes where id = p_id;
end $$;
"""
    fixed = failing.replace("auth.uid() <> v_owner", "auth.uid() is distinct from v_owner")
    assert "SK115" in _codes(failing) and "SK115" not in _codes(fixed)
    for sql, deleted in ((failing, True), (fixed, False)):
        sqlkit_db.execute("drop table if exists public.h_notes")
        sqlkit_db.execute("drop function if exists public.h_delete(int)")
        sqlkit_db.execute(sql.encode())
        sqlkit_db.execute("insert into public.h_notes values (1, %s)", (ALICE,))
        _as(sqlkit_db, None, "anon")  # no JWT subject: auth.uid() is NULL
        result = _attempt(sqlkit_db, "select public.h_delete(1)")
        _back(sqlkit_db)
        assert result == (1 if deleted else "42501")
        assert _one(sqlkit_db, "select count(*) from public.h_notes") == (0 if deleted else 1)
    # the trigger form: NEW.email <> OLD.email lets a change from NULL through
    sqlkit_db.execute(
        b"""
create table public.h_accounts (id int primary key, email text);
create function public.h_protect() returns trigger language plpgsql set search_path = '' as $$
begin
  if new.email <> old.email then raise exception 'email is protected'; end if;
  return new;
end $$;
create trigger h_protect before update on public.h_accounts for each row execute function public.h_protect();
insert into public.h_accounts values (1, null), (2, 'b@example.com');
"""
    )
    assert (
        _attempt(sqlkit_db, "update public.h_accounts set email = 'x@evil.example' where id = 1")
        == 1
    )
    assert _attempt(sqlkit_db, "update public.h_accounts set email = null where id = 2") == 1


def test_sk116_a_secret_in_a_body_is_readable_by_every_signed_in_user(
    sqlkit_db: psycopg.Connection,
) -> None:
    token = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr"
    failing = f"""
create function public.h_charge() returns text language sql security definer set search_path = ''
as $$ select 'charged with {token}'::text $$; -- definer: calls the payment provider
revoke execute on function public.h_charge() from public, anon, authenticated;
"""
    fixed = """
create schema h_private;
create table h_private.h_keys (name text primary key, value text);
create function public.h_charge() returns text language sql security definer set search_path = ''
as $$ select 'charged with ' || (select value from h_private.h_keys where name = 'stripe') $$; -- definer: reads the key
revoke execute on function public.h_charge() from public, anon, authenticated;
"""
    assert "SK116" in _codes(failing) and "SK116" not in _codes(fixed)
    read = "select string_agg(prosrc, '') from pg_catalog.pg_proc where proname = 'h_charge'"
    sqlkit_db.execute(failing.encode())
    _as(sqlkit_db, ALICE)  # cannot call the function, but can read its text
    assert token in _one(sqlkit_db, read)
    _back(sqlkit_db)
    sqlkit_db.execute("drop function public.h_charge()")
    sqlkit_db.execute(fixed.encode())
    sqlkit_db.execute("insert into h_private.h_keys values ('stripe', %s)", (token,))
    _as(sqlkit_db, ALICE)
    assert token not in _one(sqlkit_db, read)
    assert _attempt(sqlkit_db, "select value from h_private.h_keys") == "42501"
    _back(sqlkit_db)


def test_sk211_a_user_writes_rows_owned_by_another(sqlkit_db: psycopg.Connection) -> None:
    failing = """
create table public.h_items (id int, owner_id uuid, name text);
alter table public.h_items enable row level security;
create policy h_select on public.h_items for select to authenticated using ((select auth.uid()) = owner_id);
create policy h_insert on public.h_items for insert to authenticated with check ((select auth.uid()) is not null);
"""
    fixed = failing.replace(
        "with check ((select auth.uid()) is not null)",
        "with check ((select auth.uid()) = owner_id)",
    )
    assert "SK211" in _codes(failing) and "SK211" not in _codes(fixed)
    insert = "insert into public.h_items values (1, %s, 'planted')"
    for sql, planted in ((failing, True), (fixed, False)):
        sqlkit_db.execute("drop table if exists public.h_items")
        sqlkit_db.execute(sql.encode())
        _as(sqlkit_db, ALICE)
        assert _attempt(sqlkit_db, insert, BOB) == (1 if planted else "42501")
        _as(sqlkit_db, BOB)  # Bob now "owns" a row he never wrote
        assert _one(sqlkit_db, "select count(*) from public.h_items") == (1 if planted else 0)
        _back(sqlkit_db)


def test_sk212_anyone_with_the_anon_key_can_write(sqlkit_db: psycopg.Connection) -> None:
    failing = """
create table public.h_uploads (bucket_id text, name text, owner uuid);
alter table public.h_uploads enable row level security;
create policy "Anyone can upload an avatar" on public.h_uploads for insert
  with check (bucket_id = 'avatars');
"""
    fixed = failing.replace(
        "for insert\n  with check (bucket_id = 'avatars')",
        "for insert to authenticated\n  with check (bucket_id = 'avatars' and owner = (select auth.uid()))",
    )
    assert "SK212" in _codes(failing) and "SK212" not in _codes(fixed)
    for sql, written in ((failing, True), (fixed, False)):
        sqlkit_db.execute("drop table if exists public.h_uploads")
        sqlkit_db.execute(sql.encode())
        _as(sqlkit_db, None, "anon")
        result = _attempt(
            sqlkit_db, "insert into public.h_uploads values ('avatars', %s, null)", f"{BOB}/me.png"
        )
        _back(sqlkit_db)
        assert result == (1 if written else "42501")


def test_sk213_an_update_policy_without_using_updates_nothing(
    sqlkit_db: psycopg.Connection,
) -> None:
    failing = """
create table public.h_files (id int, owner uuid, title text);
alter table public.h_files enable row level security;
create policy h_read on public.h_files for select to authenticated using ((select auth.uid()) = owner);
create policy h_update on public.h_files for update to authenticated
  with check ((select auth.uid()) = owner);
"""
    fixed = failing.replace(
        "for update to authenticated\n  with check",
        "for update to authenticated\n  using ((select auth.uid()) = owner) with check",
    )
    assert "SK213" in _codes(failing) and "SK213" not in _codes(fixed)
    for sql, updated in ((failing, 0), (fixed, 1)):
        sqlkit_db.execute("drop table if exists public.h_files")
        sqlkit_db.execute(sql.encode())
        sqlkit_db.execute("insert into public.h_files values (1, %s, 'old')", (ALICE,))
        _as(sqlkit_db, ALICE)  # the owner updates their own row
        assert (
            _attempt(sqlkit_db, "update public.h_files set title = 'new' where id = 1") == updated
        )
        _back(sqlkit_db)


def test_sk110_an_identity_only_returned_guards_nothing(sqlkit_db: psycopg.Connection) -> None:
    failing = """
create table public.h_docs (id int, owner_id uuid);
alter table public.h_docs enable row level security;
-- definer: deletes a document that RLS hides from other users
create function public.h_remove(p_doc_id int) returns uuid language plpgsql security definer
set search_path = '' as $$
begin
  delete from public.h_docs where id = p_doc_id;
  return auth.uid();
end $$;
"""
    fixed = failing.replace(
        "where id = p_doc_id;", "where id = p_doc_id and owner_id = (select auth.uid());"
    )
    assert "SK110" in _codes(failing) and "SK110" not in _codes(fixed)
    for sql, deleted in ((failing, 1), (fixed, 0)):
        sqlkit_db.execute("drop table if exists public.h_docs")
        sqlkit_db.execute("drop function if exists public.h_remove(int)")
        sqlkit_db.execute(sql.encode())
        sqlkit_db.execute("insert into public.h_docs values (7, %s)", (BOB,))
        _as(sqlkit_db, ALICE)  # Alice deletes Bob's document
        sqlkit_db.execute("select public.h_remove(7)")
        _back(sqlkit_db)
        assert _one(sqlkit_db, "select count(*) from public.h_docs") == 1 - deleted
