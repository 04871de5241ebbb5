"""Migrations: discovery of files, the history table, apply, status and repair."""
