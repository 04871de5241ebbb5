"""Live databases: introspection into the project model (and later diff and pull)."""
