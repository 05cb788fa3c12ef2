"""Running ``attfin`` as a separate process on a test database."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import Database


def attfin(db: Database, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``attfin ARGS`` with ``ATTFIN_DATABASE_URL`` set to the test database."""
    env = {**os.environ, "ATTFIN_DATABASE_URL": db.url}
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
