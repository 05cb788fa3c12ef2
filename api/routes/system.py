"""Health and the caller's identity."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api.deps import AnyUserDep, SessionDep
from api.errors import error_responses
from finance_core.db import ping
from finance_core.system.service import is_demo

health_router = APIRouter(tags=["system"])
router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    database: str
    demo_data: bool


class Me(BaseModel):
    name: str
    roles: list[str]


@health_router.get("/health", response_model=Health, responses=error_responses(503))
def health(session: SessionDep) -> Health | JSONResponse:
    """Whether the service and its database answer (no authentication)."""
    try:
        ping(session)
        demo = is_demo(session)
    except SQLAlchemyError:
        return JSONResponse(
            {"error": "ServiceUnavailable", "detail": "the database does not answer"},
            status_code=503,
        )
    return Health(status="ok", database="ok", demo_data=demo)


@router.get("/me", response_model=Me, responses=error_responses(401))
def me(actor: AnyUserDep) -> Me:
    """The calling user and roles."""
    return Me(name=actor.name, roles=sorted(r.value for r in actor.roles))
