"""Published snapshots: frozen, hashed, approved by a second person, never changed."""
