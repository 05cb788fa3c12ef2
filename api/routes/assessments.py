"""Assessments: the preview ("what if") calculator."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AnyUserDep
from api.errors import error_responses
from finance_core.assessments import preview as engine
from finance_core.assessments.schemas import PreviewRequest, PreviewResponse

router = APIRouter(prefix="/assessments", tags=["assessments"])


@router.post("/preview", response_model=PreviewResponse, responses=error_responses(401, 422))
def preview(request: PreviewRequest, _actor: AnyUserDep) -> PreviewResponse:
    """Share an amount among participants by the scale-of-assessment rules; stores nothing.

    Rates are percentages; amounts come with the rounding unit's decimals and sum
    exactly to ``total``."""
    return engine.preview(request)
