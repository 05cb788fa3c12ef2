"""The outside: the FastAPI app (API under /api/v1), authentication, and the CLI."""
