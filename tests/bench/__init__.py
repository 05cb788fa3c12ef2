"""Benchmarks of the ledger (run as modules, e.g. ``python -m tests.bench.balances``)."""
