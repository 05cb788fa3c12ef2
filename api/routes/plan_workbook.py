"""A draft strategic plan as an xlsx workbook: the download, the preview of what an
edited workbook would change (writes nothing), and its import (all or nothing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response

from api.deps import OfficerDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.files import file_response, file_responses
from api.uploads import read_upload
from strategy import service, workbook
from strategy.schemas import PlanChanges

router = APIRouter(tags=["strategy"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)

WorkbookFile = Annotated[
    UploadFile, File(description="The plan's workbook (xlsx, at most 5 MB), as edited.")
]


@router.get(
    "/strategy/plans/{plan_id}/workbook",
    response_class=Response,
    responses=file_responses(
        "The plan as an xlsx workbook: sheets Read me, Plan, Elements, Indicators, Targets.",
        [XLSX],
    ),
)
def get_workbook(plan_id: int, session: SessionDep, _actor: ReaderDep) -> Response:
    """The plan's structure, indicators and targets as a workbook to edit while the plan
    is a draft (the Read me sheet explains the columns and the values allowed)."""
    plan = service.get_plan(session, plan_id=plan_id)
    body = workbook.export_plan(session, plan_id=plan_id)
    return file_response(body, XLSX, f"{plan.code}.xlsx")


@router.post(
    "/strategy/plans/{plan_id}/workbook/preview",
    response_model=PlanChanges,
    responses=_WRITE_ERRORS,
)
async def preview_workbook(
    plan_id: int, session: SessionDep, _actor: OfficerDep, file: WorkbookFile
) -> PlanChanges:
    """What the workbook would change in the draft plan, matched by code, checked by the
    same rules as the import; writes nothing. 422 names each cell at fault
    (``fields``: ``{"Indicators!C7": "…"}``); 409 unless the plan is a draft."""
    sheet = workbook.parse_workbook(await read_upload(file))
    return workbook.diff_plan(session, plan_id=plan_id, sheet=sheet)


@router.post(
    "/strategy/plans/{plan_id}/workbook/import",
    response_model=PlanChanges,
    responses=_WRITE_ERRORS,
)
async def import_workbook(
    plan_id: int, session: SessionDep, actor: OfficerDep, file: WorkbookFile
) -> PlanChanges:
    """Apply the workbook to the draft plan: all of it or nothing; returns what changed
    (importing the same workbook again changes nothing)."""
    sheet = workbook.parse_workbook(await read_upload(file))
    return workbook.apply_changes(session, actor=actor, plan_id=plan_id, sheet=sheet)
