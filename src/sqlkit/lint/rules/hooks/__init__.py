"""Rules about Supabase auth hooks (SK301-SK302)."""
