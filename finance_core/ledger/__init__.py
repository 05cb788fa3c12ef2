"""The double-entry, append-only, hash-chained ledger: the single source of truth."""
