"""Jinja rendering of `*.sql.j2` sources and templates."""
