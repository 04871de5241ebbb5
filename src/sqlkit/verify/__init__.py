"""Verification: apply everything to a disposable Postgres and run the SQL tests."""
