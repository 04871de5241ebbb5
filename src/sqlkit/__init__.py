"""sqlkit: keep Postgres/Supabase database logic in git — lint, render, apply, verify."""

__version__ = "0.1.0"
