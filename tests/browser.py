"""Real browsers and real servers for the page tests: Debian's Chromium driven by
Playwright (``.ci/run`` installs it), and an app served by uvicorn on a free loopback port
in a thread. Screenshots go under ``test-output/`` (not in the repository's history)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.conftest import IN_CI

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The widths every page is checked at: a desktop and a phone.
WIDTHS = (1280, 390)
TEST_OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot; pytest keeps its own
        pass


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on loopback for the block; yields its base URL."""
    port = free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def collect_errors(page: Any, errors: list[str]) -> None:
    """Console errors and uncaught exceptions of ``page`` into ``errors``."""
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for the module (skipped loudly without it; a failure under CI=true)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(
    browser: Any, width: int, height: int = 900, **options: Any
) -> tuple[Any, Any, list[str]]:
    """A new browser context at ``width`` × ``height`` px, its page, and the list its console
    errors and uncaught exceptions go to (close the context at the end)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    errors: list[str] = []
    collect_errors(page, errors)
    return context, page, errors
