"""Rules about tables and row level security (SK201-SK203)."""
