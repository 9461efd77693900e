"""Tables, settings and the database session; nothing above it."""
