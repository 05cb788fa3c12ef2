"""The app's middleware, plain ASGI (each wraps ``send`` or ``receive``; none buffers a
response):

- ``SecurityHeaders``: every response carries a Content-Security-Policy suited to what
  it is, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and
  ``X-Frame-Options: DENY`` (a response that sets a header keeps its own);
- ``DemoHeader``: every response from a demo database carries ``X-Demo-Data: true``;
- ``BodyLimit``: a request body larger than ``MAX_REQUEST_BYTES`` is refused (422, the
  answer to a file that is too large) before more of it is read.

The policies: pages and JSON load scripts, stylesheets and images from this origin
only, with no inline script and no framing (``APP_POLICY``). The portal's pages also
allow style attributes, and the one stylesheet of the charts by its hash: the frozen
report pages they show size table columns with style attributes and carry charts as
inline SVG drawn by matplotlib (``PORTAL_POLICY``). A rendered or frozen file shown by
the browser (a response with ``Content-Disposition``: a report, notice or receipt in
HTML) may use its own inline stylesheet and nothing else, no script at all
(``DOCUMENT_POLICY``). The API's interactive docs allow their one inline script by its
hash (``api.docs``)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from api.portal.routes import is_portal_path
from finance_core.db import SQLITE_BEGIN_OPTION
from finance_core.errors import ValidationFailed
from finance_core.system.service import DATASET_FLAG, DEMO
from finance_core.uploads import MAX_REQUEST_BYTES


def content_security_policy(
    *, scripts: Iterable[str] = (), styles: Iterable[str] = (), style_attributes: bool = False
) -> str:
    """The policy of the service's pages: everything from this origin only, no inline
    script or stylesheet but those of ``scripts`` and ``styles`` (allowed by their
    SHA-256), no plugins, no framing; ``style_attributes`` allows ``style="…"``
    attributes."""
    script_src = " ".join(["'self'", *(_hash_source(s) for s in scripts)])
    style_src = " ".join(["'self'", *(_hash_source(s) for s in styles)])
    directives = [
        "default-src 'self'",
        f"script-src {script_src}",
        f"style-src {style_src}",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if style_attributes:
        directives.append("style-src-attr 'unsafe-inline'")
    return "; ".join(directives)


def _hash_source(inline: str) -> str:
    """How a policy names an inline script or stylesheet: its SHA-256, in base64."""
    digest = hashlib.sha256(inline.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def inline_scripts(html: str) -> list[str]:
    """The text of each inline ``<script>`` element of a page (what its hash covers)."""
    return _INLINE_SCRIPT.findall(html)


#: The one stylesheet matplotlib writes into every chart (``reports.render.charts``).
CHART_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"

APP_POLICY = content_security_policy()
PORTAL_POLICY = content_security_policy(styles=[CHART_STYLE], style_attributes=True)
DOCUMENT_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
#: Set on every response that lacks them.
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)


def _policy_for(path: str, headers: MutableHeaders) -> str:
    if "content-disposition" in headers:
        return DOCUMENT_POLICY
    if is_portal_path(path) and not path.startswith("/app"):
        return PORTAL_POLICY
    return APP_POLICY


def security_headers(path: str, headers: MutableHeaders) -> None:
    """Add to the ``headers`` of a response to ``path`` the security headers it lacks."""
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = _policy_for(path, headers)
    for name, value in FIXED_HEADERS:
        headers.setdefault(name, value)


class SecurityHeaders:
    """Adds the security headers to every HTTP response (see ``security_headers``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                security_headers(path, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_secured)


def is_demo_database(engine: Engine) -> bool:
    """Whether the database holds the demo data set (False when it cannot be read)."""
    reader = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
    try:
        with reader.connect() as conn:
            value = conn.execute(
                text("SELECT value FROM system_flag WHERE key = :k"), {"k": DATASET_FLAG}
            ).scalar_one_or_none()
    except Exception:
        return False
    return bool(value == DEMO)


class DemoHeader:
    """``X-Demo-Data: true`` on every response from a demo database. A route that has
    read the flag says so in ``request.state.demo``; otherwise it is read, in a thread,
    from the database of ``app.state.engine``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        engine: Engine = scope["app"].state.engine

        async def send_flagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                demo = scope.get("state", {}).get("demo")
                if demo is None:
                    demo = await run_in_threadpool(is_demo_database, engine)
                if demo:
                    MutableHeaders(scope=message).append("X-Demo-Data", "true")
            await send(message)

        await self.app(scope, receive, send_flagged)


class _TooLarge(Exception):
    """The request body went past the limit while the app was reading it."""


class BodyLimit:
    """Refuses a request whose body is larger than ``limit`` bytes: at once when its
    ``Content-Length`` says so (nothing of it is read), else as soon as what has been
    read goes past the limit (the app's own answer, if any, is replaced)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def receive_limited() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def send_unless_exceeded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a body it could not read
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_limited, send_unless_exceeded)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.limit // (1024 * 1024)
        refusal = ValidationFailed(
            f"the request is larger than {megabytes} MB", fields={"file": "too large"}
        )
        await error_response(Request(scope), refusal)(scope, receive, send)
