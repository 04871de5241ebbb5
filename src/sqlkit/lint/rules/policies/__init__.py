"""Rules about RLS policies (SK204-SK208)."""
