"""``Idempotency-Key`` on writes that move money: the key, its actor, the request's hash
and the response are stored in the write's transaction; a replay returns the stored
response (with ``Idempotent-Replayed: true``); the same key with another body is a 409.

The write itself runs in a savepoint of the request's transaction, after the key is
claimed: when a lock wait in it fails because of concurrent work (a deadlock, see
``finance_core.db``), the savepoint is rolled back (which releases what the write had
locked) and the write runs again, a few times at most; the key stays claimed meanwhile.
Other failures, and one that persists, end the request as before (``Busy``: 503)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import SessionDep
from finance_core.actor import Actor
from finance_core.db import LOCK_FAILURES, retrying
from finance_core.idempotency import service


@dataclass
class Idempotency:
    """Runs a write at most once per key (see the module docstring)."""

    session: Session
    route: str
    key: str | None
    request_hash: str

    def run(
        self, actor: Actor, write: Callable[[], BaseModel], *, status_code: int = 200
    ) -> Response:
        """Call ``write`` unless this key was used before; respond with its result."""
        owner = f"user:{actor.user_id}" if actor.user_id is not None else actor.name
        if self.key is not None:
            replay = service.claim(
                self.session,
                actor=owner,
                route=self.route,
                key=self.key,
                request_hash=self.request_hash,
            )
            if replay is not None:
                return Response(
                    replay.body,
                    status_code=replay.status_code,
                    media_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
        body = retrying(
            lambda: self._in_savepoint(write), what=self.route, only=LOCK_FAILURES
        ).model_dump_json()
        if self.key is not None:
            service.complete(
                self.session,
                actor=owner,
                route=self.route,
                key=self.key,
                status_code=status_code,
                body=body,
            )
        return Response(body, status_code=status_code, media_type="application/json")

    def _in_savepoint(self, write: Callable[[], BaseModel]) -> BaseModel:
        """``write()`` in a savepoint: rolled back (its locks released) if it fails."""
        with self.session.begin_nested():
            return write()


async def _idempotency(
    request: Request,
    session: SessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(description="Makes a retried write safe: the same key replays the first response."),
    ] = None,
) -> Idempotency:
    body = await request.body()
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    return Idempotency(
        session=session,
        route=f"{request.method} {template}",
        key=idempotency_key,
        request_hash=hashlib.sha256(request.url.path.encode() + b"\n" + body).hexdigest(),
    )


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency, scope="function")]
