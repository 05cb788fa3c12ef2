"""``python -m api`` is the ``attfin`` command."""

from api.cli import main

main()
