"""Database-wide flags (e.g. whether this database holds the demo data set)."""
