"""Running ``attfin`` on a test database: in this process through Typer's test runner
(the same commands, arguments, exit codes and output streams as the installed script),
with ``ATTFIN_DATABASE_URL`` set for the call and the settings and shared engines read
afresh, so each call sees only its own database. Starting a Python process per call
would cost about a second and a half of imports each time."""

from __future__ import annotations

import subprocess
import traceback

from typer.testing import CliRunner

from api.cli import app
from finance_core.db import dispose_engines
from finance_core.settings import get_settings
from tests.conftest import Database


def _forget_engines() -> None:
    """Dispose of the shared engines a command opened, and forget the settings."""
    dispose_engines()
    get_settings.cache_clear()


def attfin(db: Database, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``attfin ARGS`` with ``ATTFIN_DATABASE_URL`` set to the test database."""
    _forget_engines()
    try:
        result = CliRunner().invoke(
            app, list(args), input=stdin, env={"ATTFIN_DATABASE_URL": db.url}
        )
    finally:
        _forget_engines()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["attfin", *args], result.exit_code, result.stdout, stderr)
