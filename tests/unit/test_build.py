"""What building a project needs from the engine, read from the files before anything runs."""

from __future__ import annotations

from pathlib import Path

from sqlkit.files import MigrationFile
from sqlkit.migrate.build import required_extensions


def _file(sql: str) -> MigrationFile:
    return MigrationFile("versioned", "1", "x", Path("1_x.sql"), "1_x.sql", sql, "-", False)


def test_only_create_extension_statements_are_required() -> None:
    """A CREATE EXTENSION in a comment, a string or a function body is not a statement the
    build runs: verify must not refuse an engine for it."""
    sql = """
-- create extension postgis;   (once the hosting plan has it)
/* create extension "timescaledb" */
select 'create extension hstore';
create function public.enable_cube() returns void language plpgsql as $$
begin execute 'create extension if not exists cube'; end $$;
create extension if not exists "uuid-ossp" with schema extensions;
CREATE EXTENSION pg_trgm;
"""
    assert required_extensions([_file(sql)]) == [("uuid-ossp", "1_x.sql"), ("pg_trgm", "1_x.sql")]
    assert required_extensions([_file("select 1;")]) == []
