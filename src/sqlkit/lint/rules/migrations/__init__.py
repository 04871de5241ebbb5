"""Rules about what a migration does to a live database: locks, rewrites, scans, breaking changes."""
