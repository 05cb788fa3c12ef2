"""Running ``attfin`` as a separate process on a test database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from tests.conftest import Database


def attfin(db: Database, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``attfin ARGS`` with ``ATTFIN_DATABASE_URL`` set to the test database."""
    env = {
        **os.environ,
        "ATTFIN_DATABASE_URL": db.url,
        # each command would otherwise compile the project's modules again: keep their
        # bytecode, outside the repository
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "attfin-test-pycache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
