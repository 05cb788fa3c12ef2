"""Rendering the web interface's pages (Jinja2 templates in ``api/web/templates``).

Every page gets the signed-in ``caller`` (what the navigation shows or hides by role), the
name of the CSRF field, the demo flag and the current path; pages are never cached, since
they show what only their user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from api.portal.pages import static_url
from api.web.auth import CSRF_FIELD, WebCaller
from finance_core.access.models import Role
from finance_core.errors import DomainError

_environment = Environment(
    loader=PackageLoader("api.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
NO_STORE = {"Cache-Control": "no-store"}

_OFFICER = frozenset({Role.FINANCE_OFFICER})
_READERS = frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE})
_ADMIN = frozenset({Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Section:
    """An entry of the navigation: its address, its words, who sees it, and the
    addresses (with what is below them) that belong to it."""

    path: str
    label: str
    roles: frozenset[Role]
    areas: tuple[str, ...] = ()

    def holds(self, path: str) -> bool:
        """Whether the page at ``path`` is in this section."""
        return any(path == a or path.startswith(a + "/") for a in (self.path, *self.areas))


#: The web interface's sections, in the order of the navigation.
SECTIONS = (
    Section("/app/payments/new", "Record a payment", _OFFICER, ("/app/payments",)),
    Section("/app/bank-statements", "Import a bank statement", _OFFICER),
    Section("/app/states", "States", _READERS),
    Section("/app/assessments", "Assessments", _READERS),
    Section("/app/payment-plans", "Payment plans", _READERS),
    Section("/app/expenditures", "Spending", _READERS, ("/app/commitments",)),
    Section("/app/year-end", "Year-end", _READERS),
    Section("/app/reserve", "Reserve", _READERS),
    Section("/app/voluntary", "Voluntary funds", _READERS),
    Section("/app/strategy", "Strategic plan", _READERS),
    Section("/app/publications", "Publications", _READERS),
    Section("/app/admin/users", "Users", _ADMIN),
    Section("/app/admin/settings", "Settings", _ADMIN),
)


def sections_for(caller: WebCaller | None, path: str) -> list[tuple[Section, bool]]:
    """The sections ``caller`` may open, each with whether ``path`` is in it."""
    if caller is None:
        return []
    shown = [s for s in SECTIONS if caller.roles & s.roles]
    return [(s, s.holds(path)) for s in shown]


def render(
    request: Request,
    template: str,
    *,
    caller: WebCaller | None,
    demo: bool,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page of the web interface (``Cache-Control: no-store``)."""
    html = _environment.get_template(template).render(
        caller=caller,
        csrf_field=CSRF_FIELD,
        demo=demo,
        path=request.url.path,
        sections=sections_for(caller, request.url.path),
        css=static_url("portal.css"),
        icon=static_url("favicon.svg"),
        script=static_url("app.js"),
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)


def grouped(amount: str | None) -> str:
    """A decimal string with thousands separators (``"1234567.80"`` → ``"1,234,567.80"``);
    a dash when there is none."""
    return "–" if amount is None else f"{Decimal(amount):,}"


#: The heading of the error page by status code.
_ERROR_TITLES = {
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    422: "Not possible",
    429: "Too many attempts",
}


def error_page(request: Request, exc: DomainError, status_code: int) -> Response:
    """The web interface's page for a refused or failed request (403, 404, 409, 422, 429)."""
    return render(
        request,
        "error.html.j2",
        caller=None,
        demo=False,
        status_code=status_code,
        title=_ERROR_TITLES.get(status_code, "Something went wrong"),
        detail=exc.detail,
    )
