"""Rules about table structure: keys, foreign keys, indexes, column types (SK214-SK216, SK220, SK222)."""
