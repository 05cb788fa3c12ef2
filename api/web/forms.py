"""What the web interface's forms share: reading a posted form as text, turning it into
the API's request model (errors named by field, for the form shown again as typed), the
``Actor`` of a signed-in user, the choices of State and fund, and writes made once per
form.

Each form that writes carries a ``key`` made when the form was shown: a double click, a
resubmitted form or the back button followed by the button again runs the write once and
answers with the same result (``api.idempotency``, the key scoped to the user and the
route)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlmodel import Session, col

from api.idempotency import Idempotency
from api.web.auth import WebCaller
from finance_core.actor import Actor
from finance_core.errors import DomainError, ValidationFailed
from finance_core.funds.models import Fund, FundKind
from finance_core.states.models import State

ModelT = TypeVar("ModelT", bound=BaseModel)
DataT = TypeVar("DataT")
#: The hidden field holding a form's idempotency key.
KEY_FIELD = "key"


def new_key() -> str:
    """A fresh idempotency key for a form about to be shown."""
    return secrets.token_urlsafe(18)


async def form_values(request: Request, names: Iterable[str]) -> dict[str, str]:
    """The posted form's fields ``names`` as text ('' when absent), and its key."""
    form = await request.form()
    values = {n: str(form.get(n, "")) for n in (*names, KEY_FIELD)}
    return values


async def form_lists(request: Request, name: str) -> list[str]:
    """Every value posted under ``name`` (checkboxes, repeated fields)."""
    form = await request.form()
    return [str(v) for v in form.getlist(name)]


def parse(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """``data`` as ``model``; blank optional fields are left out. Raises ValidationFailed
    naming each field that needs attention."""
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    cleaned = {k: v for k, v in cleaned.items() if v != "" and k != KEY_FIELD}
    try:
        return model.model_validate(cleaned)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in e["loc"]): str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
            if e.get("loc")
        }
        raise ValidationFailed("some fields need attention", fields=fields) from None


def field_errors(exc: DomainError) -> dict[str, str]:
    """What to show on the form for a refused write: ``form`` (the service's words, shown
    above the form) and, when the service names them, the fields that need attention."""
    return {**{k: str(v) for k, v in (exc.fields or {}).items()}, "form": _sentence(exc.detail)}


def errors_of(exc: DomainError) -> dict[str, str]:
    """What to show on a form: the sentence (``form``) and each field's message."""
    return {"form": exc.detail, **exc.fields}


def _sentence(text: str) -> str:
    """``the amount is not a number`` → ``The amount is not a number.``"""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def state_choices(session: Session) -> list[tuple[str, str]]:
    """Every State as a select option: (code, "name (code)"), by name."""
    rows = session.execute(select(col(State.code), col(State.name)).order_by(col(State.name)))
    return [(str(c), f"{n} ({c})") for c, n in rows.all()]


def fund_choices(session: Session, kind: FundKind) -> list[tuple[str, str]]:
    """The funds of ``kind`` as select options: (code, "name (code)"), by code."""
    rows = session.execute(
        select(col(Fund.code), col(Fund.name))
        .where(col(Fund.kind) == kind.value)
        .order_by(col(Fund.code))
    )
    return [(str(c), f"{n} ({c})") for c, n in rows.all()]


def actor_of(caller: WebCaller, request: Request) -> Actor:
    """The signed-in user as the author of a write, from the web interface."""
    client = request.client.host if request.client else "unknown"
    return Actor(
        name=caller.user.name,
        origin=f"web {client}",
        user_id=caller.user.id,
        roles=caller.roles,
    )


def once(
    session: Session,
    request: Request,
    caller: WebCaller,
    *,
    route: str,
    key: str,
    payload: Any,
    write: Callable[[Actor], BaseModel],
) -> dict[str, Any]:
    """Run ``write`` once for this form's ``key`` (a replay gives the first result, as
    JSON data). ``payload`` is what was asked (its hash guards against a reused key)."""
    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    canonical = json.dumps(payload, sort_keys=True, default=str).encode()
    actor = actor_of(caller, request)
    idem = Idempotency(
        session=session,
        route=route,
        key=key or new_key(),
        request_hash=hashlib.sha256(canonical).hexdigest(),
    )
    response = idem.run(actor, lambda: write(actor), status_code=201)
    result: dict[str, Any] = json.loads(bytes(response.body))
    return result


def write_once(
    session: Session,
    request: Request,
    caller: WebCaller,
    *,
    route: str,
    key: str,
    data: Callable[[], DataT],
    write: Callable[[Actor, DataT], BaseModel],
    then: Callable[[dict[str, Any]], str],
    refused: Callable[[DomainError], Response],
    payload: Callable[[DataT], Any] | None = None,
) -> Response:
    """A form's write, run once for its ``key`` (``once``), answered as a form is.

    ``data()`` reads the form as the request (usually with ``parse``); ``write(actor,
    data)`` records it; ``payload(data)`` is what the key's hash guards (the request
    itself by default). Done: a redirect (303) to ``then(result)``, the result as JSON
    data. Refused, by ``data()`` or by the write (any ``DomainError``): the session rolled
    back, and ``refused(exc)``, the form again with its errors and status code."""
    try:
        given = data()
        done = once(
            session,
            request,
            caller,
            route=route,
            key=key,
            payload=given if payload is None else payload(given),
            write=lambda actor: write(actor, given),
        )
    except DomainError as exc:
        session.rollback()
        return refused(exc)
    return RedirectResponse(then(done), status_code=303)
