"""Assessed contributions: the scale-of-assessment engine, assessment runs and notices."""
