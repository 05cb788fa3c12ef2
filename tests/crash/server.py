"""The real server (``attfin serve``) as a child process that can be killed and restarted
on the same loopback port.

The server runs in a session of its own, so that a kill reaches its whole process group
(uvicorn and anything it forks); its output goes to a log file that is kept until the
run's temporary folder is deleted."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx2

from tests.bench.common import free_port

#: The ``attfin`` command of this virtual environment.
ATTFIN = str(Path(sys.executable).with_name("attfin"))
#: How long a start may take before the run gives up on the server.
START_SECONDS = 60.0


class ServerFailed(RuntimeError):
    """The server did not come up (or exited on its own)."""


class Server:
    """``attfin serve`` on ``database_url``; ``start``, ``kill``, ``stop`` and ``close``
    (safe from several threads: once closed, it never starts again)."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> float:
        """Start the server and wait until ``/health`` answers; the seconds it took."""
        began = time.perf_counter()
        with self._lock:
            if self._closed or self._process is not None:
                raise ServerFailed("the server is closed or already running")
            self._log = self.log_path.open("ab")
            self._log.write(f"--- start {self.starts + 1} ---\n".encode())
            self._log.flush()
            process = self._process = subprocess.Popen(
                [ATTFIN, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env={**os.environ, "ATTFIN_DATABASE_URL": self.database_url},
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.starts += 1
        deadline = began + START_SECONDS
        with httpx2.Client(timeout=2) as http:
            while time.perf_counter() < deadline and not self._closed:
                if process.poll() is not None:
                    raise ServerFailed(f"the server exited with {process.returncode}; see its log")
                try:
                    if http.get(f"{self.url}/health").status_code == 200:
                        return time.perf_counter() - began
                except httpx2.TransportError:
                    pass
                time.sleep(0.05)
        raise ServerFailed(f"no answer from /health within {START_SECONDS:.0f} s")

    def kill(self) -> int:
        """SIGKILL the server's whole process group and reap it; its exit status
        (``-SIGKILL`` unless it had already exited on its own)."""
        return self._signal(signal.SIGKILL)

    def stop(self) -> int:
        """Stop the server cleanly (SIGTERM, SIGKILL after 20 s); its exit code."""
        return self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> int:
        with self._lock:
            process, self._process = self._process, None
            if process is None:
                return 0
            with contextlib.suppress(ProcessLookupError):  # the group is gone already
                os.killpg(process.pid, signum)
            try:
                code = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                code = process.wait()
            if self._log is not None:
                self._log.close()
                self._log = None
            return code

    def close(self) -> None:
        """Kill the server if it still runs, and never start it again."""
        self._closed = True
        self.kill()

    def log_tail(self, lines: int = 30) -> list[str]:
        """The last ``lines`` lines the server wrote (all its starts)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return []
        return text.splitlines()[-lines:]
