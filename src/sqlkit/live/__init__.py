"""Live databases: introspection into the project model (used by `lint --dsn` and verify)."""
