"""Rules about references that do not resolve against the project model (SK120-SK123)."""
