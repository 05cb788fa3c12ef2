"""Users, roles and API tokens (no HTTP here: ``api`` turns a token into an Actor)."""
