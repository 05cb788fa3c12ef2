"""Crash runs (``make crash``): the real server killed under load, then the books checked."""
