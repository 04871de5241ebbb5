"""Rules about extensions (SK217)."""
