"""sqlkit: keep Postgres/Supabase database logic in git — lint, render, apply, verify, diff."""

__version__ = "0.1.0"
