"""The ``attfin`` command line, one module per command group."""

from api.cli.main import app, main

__all__ = ["app", "main"]
