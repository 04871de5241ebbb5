"""Rules about functions and procedures (SK1xx)."""
