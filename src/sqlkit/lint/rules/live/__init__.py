"""Live-only rules (SK501-SK504): what only a running database knows, decided by `sqlkit lint --dsn` (their queries are in sqlkit.live.checks)."""
