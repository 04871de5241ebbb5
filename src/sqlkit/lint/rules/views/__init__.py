"""Rules about views (SK209-SK210)."""
