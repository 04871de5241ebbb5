"""`sqlkit init`: a small project that lints clean and verifies green from the start."""

from __future__ import annotations

from pathlib import Path

from sqlkit.errors import InputError

CONFIG = """\
# sqlkit settings: https://github.com/sqlkit-dev/sqlkit
target = "{target}"
exposed_schemas = ["public"]
"""

MIGRATION = """\
-- The first migration: a table, its index, RLS on, and who may read it.
create table public.notes (
  id bigint generated always as identity primary key,
  owner_id uuid not null{owner_fk},
  body text not null check (length(body) <= 10000),
  created_at timestamptz not null default now()
);
create index notes_owner_id_idx on public.notes (owner_id);
alter table public.notes enable row level security;

create policy notes_owner_read on public.notes
  for select to {role}
  using ((select {uid}) = owner_id);

create policy notes_owner_write on public.notes
  for insert to {role}
  with check ((select {uid}) = owner_id);
"""

FUNCTION = """\
-- A repeatable definition: re-applied whenever this file changes.
-- Invoker: row level security decides what the caller sees. Stable: it only reads.
create or replace function public.my_note_count()
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*) from public.notes n where n.owner_id = (select {uid})
$$;

revoke execute on function public.my_note_count() from public{revoke_extra};
grant execute on function public.my_note_count() to {role};
"""

TEST = """\
-- Each test file runs in its own copy of the database, in a transaction that is
-- rolled back. A test fails if it raises: use ASSERT or RAISE EXCEPTION.
{setup}
insert into public.notes (owner_id, body) values
  ('00000000-0000-0000-0000-00000000000a', 'mine'),
  ('00000000-0000-0000-0000-00000000000b', 'someone else''s');

select sqlkit_test.authenticate_as('{{"sub": "00000000-0000-0000-0000-00000000000a", "role": "{role}"}}');

do $$
begin
  assert public.my_note_count() = 1, 'a user sees only their own notes';
  assert (select count(*) from public.notes) = 1, 'RLS hides the other user''s note';
end $$;
"""

GITIGNORE = ".venv/\n__pycache__/\n"


def init_project(path: Path, *, target: str = "supabase", force: bool = False) -> list[Path]:
    if target not in ("supabase", "postgres"):
        raise InputError(f"unknown target {target!r}", hint="use supabase or postgres")
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise InputError(
            f"{path} is not empty", hint="pick a new folder, or pass --force to add files to it"
        )
    supabase = target == "supabase"
    values = {
        "target": target,
        "role": "authenticated" if supabase else "app_user",
        "uid": "auth.uid()" if supabase else "current_setting('app.user_id')::uuid",
        "owner_fk": " references auth.users (id) on delete cascade" if supabase else "",
        "revoke_extra": ", anon" if supabase else "",
    }
    setup = (
        ""
        if supabase
        else (
            "create role app_user nologin;\ngrant select, insert on public.notes to app_user;\n"
            "grant execute on function public.my_note_count() to app_user;\n"
            "select set_config('app.user_id', '00000000-0000-0000-0000-00000000000a', true);\n"
        )
    )
    if supabase:
        setup = (
            "insert into auth.users (id, email) values\n"
            "  ('00000000-0000-0000-0000-00000000000a', 'a@example.com'),\n"
            "  ('00000000-0000-0000-0000-00000000000b', 'b@example.com');\n"
        )
    files = {
        "sqlkit.toml": CONFIG.format(**values),
        "migrations/20250101000000_create_notes.sql": MIGRATION.format(**values),
        "functions/my_note_count.sql": FUNCTION.format(**values),
        "tests/sql/notes_rls_test.sql": TEST.format(setup=setup, **values),
        ".gitignore": GITIGNORE,
    }
    if not supabase:
        # the postgres target has no API roles: the migration creates the role it grants to
        files["migrations/20250101000000_create_notes.sql"] = (
            "create role app_user nologin;\n"
            + files["migrations/20250101000000_create_notes.sql"]
            + "grant select, insert on public.notes to app_user;\n"
        )
        files["tests/sql/notes_rls_test.sql"] = TEST.format(
            setup="select set_config('app.user_id', '00000000-0000-0000-0000-00000000000a', true);\n",
            **values,
        ).replace(
            'select sqlkit_test.authenticate_as(\'{"sub": "00000000-0000-0000-0000-00000000000a", "role": "app_user"}\');',
            'select sqlkit_test.authenticate_as(\'{"sub": "00000000-0000-0000-0000-00000000000a", "role": "app_user"}\');\n'
            "select set_config('app.user_id', '00000000-0000-0000-0000-00000000000a', true);",
        )
    for relative in files:
        if (path / relative).exists() and not force:
            raise InputError(f"{path / relative} already exists", hint="pass --force to overwrite")
    written: list[Path] = []
    try:
        for relative, text in files.items():
            target_path = path / relative
            target_path.parent.mkdir(parents=True, exist_ok=True)
            target_path.write_text(text, encoding="utf-8")
            written.append(target_path)
        (path / "triggers").mkdir(exist_ok=True)
        (path / "policies").mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the project in {path}: {exc.strerror}",
            hint="pick a folder you can write to",
        ) from None
    return written
