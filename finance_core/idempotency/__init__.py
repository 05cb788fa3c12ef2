"""Idempotency keys: a retried write returns the first response instead of writing twice."""
