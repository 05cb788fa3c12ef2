"""Read models and renderings (xlsx, csv, json, html) and published snapshots.

Depends on ``strategy`` and ``finance_core``; never imports FastAPI or ``api``."""
