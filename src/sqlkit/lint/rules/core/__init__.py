"""Rules about the input itself: parse errors and suppressions."""
