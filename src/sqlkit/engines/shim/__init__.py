"""The target's shim: what a Supabase project assumes exists, for a plain Postgres."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from psycopg import sql

if TYPE_CHECKING:
    import psycopg


def shim_sql(target: str) -> str:
    if target != "supabase":
        return ""
    return resources.files("sqlkit.engines.shim").joinpath("supabase.sql").read_text("utf-8")


def install_shim(
    conn: psycopg.Connection, target: str, exposed_schemas: tuple[str, ...] = ("public",)
) -> bool:
    """Install the shim (a no-op when it is there already). Returns True when it ran."""
    text = shim_sql(target)
    if not text:
        return False
    installed = conn.execute(
        "select 1 from pg_catalog.pg_tables where schemaname = 'sqlkit' and tablename = 'shim'"
    ).fetchone()
    if (
        installed
        and conn.execute("select 1 from sqlkit.shim where target = %s", (target,)).fetchone()
    ):
        return False
    with conn.transaction():
        conn.execute(text.encode())
        conn.execute(
            sql.SQL("alter role authenticator set pgrst.db_schemas = {}").format(
                sql.Literal(", ".join(exposed_schemas))
            )
        )
    return True
