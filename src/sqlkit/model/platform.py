"""What the platform owns: schemas a project's rules leave alone, Supabase's auth keys, and
extensions that keep their objects in a schema of their own."""

from __future__ import annotations

# Postgres' own schemas and those Supabase (and common extensions) manage: structure rules
# do not report objects there (the project cannot change them).
PLATFORM_SCHEMAS = frozenset(
    {
        "pg_catalog",
        "information_schema",
        "pg_toast",
        "auth",
        "storage",
        "extensions",
        "graphql",
        "graphql_public",
        "realtime",
        "_realtime",
        "net",
        "cron",
        "pgmq",
        "pgbouncer",
        "pgsodium",
        "pgsodium_masks",
        "vault",
        "supabase_functions",
        "supabase_migrations",
        "_analytics",
        "pgtle",
        "pgroonga",
        "repack",
        "tiger",
        "topology",
        "_timescaledb_cache",
        "_timescaledb_catalog",
        "_timescaledb_config",
        "_timescaledb_internal",
        "sqlkit",
        "sqlkit_test",
    }
)

# The primary keys of Supabase Auth's tables (every one is `id`, but for the migrations
# table): a foreign key to other columns of an auth table references a unique constraint.
AUTH_PRIMARY_KEYS = {"schema_migrations": ("version",)}
AUTH_DEFAULT_PRIMARY_KEY = ("id",)

# Extensions whose objects go into a schema of their own whatever the schema named in
# CREATE EXTENSION: created "in public", they put nothing there.
OWN_SCHEMA_EXTENSIONS = frozenset(
    {"plpgsql", "pg_net", "pg_graphql", "pgmq", "pg_cron", "supabase_vault", "pgsodium"}
)

# PostgreSQL's pg_upgrade documentation (Notes): the reg* types it cannot upgrade (regclass,
# regrole and regtype it can)
UNSUPPORTED_REG_TYPES = frozenset(
    {
        "regcollation",
        "regconfig",
        "regdictionary",
        "regnamespace",
        "regoper",
        "regoperator",
        "regproc",
        "regprocedure",
    }
)
