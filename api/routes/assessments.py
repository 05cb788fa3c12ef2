"""Assessments: the preview ("what if") calculator, runs, explanations and notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import AnyUserDep, OfficerDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.files import file_response, file_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page
from finance_core.assessments import preview as engine
from finance_core.assessments import service
from finance_core.assessments.models import AssessmentLine, AssessmentRun
from finance_core.assessments.schemas import (
    ExplanationOut,
    PreviewRequest,
    PreviewResponse,
    RunDetail,
    RunIn,
    RunLineOut,
    RunOut,
    SupplementaryIn,
)
from finance_core.budgets.service import get_budget
from finance_core.money import format_minor
from reports import notices
from reports.i18n import Language
from reports.notices import MEDIA_TYPES, NoticeFormat

router = APIRouter(tags=["assessments"])


@router.post(
    "/assessments/preview", response_model=PreviewResponse, responses=error_responses(401, 422)
)
def preview(request: PreviewRequest, _actor: AnyUserDep) -> PreviewResponse:
    """Share an amount among participants by the scale-of-assessment rules; stores nothing.

    Rates are percentages; amounts come with the rounding unit's decimals and sum
    exactly to ``total``."""
    return engine.preview(request)


def _decimal(value: object) -> str | None:
    return None if value is None else format(value, "f")


def run_out(session: Session, run: AssessmentRun) -> RunOut:
    budget = get_budget(session, run.budget_id)
    return RunOut(
        id=run.id or 0,
        budget_id=run.budget_id,
        fund=budget.fund_code,
        year=budget.year,
        kind=run.kind,
        run_on=run.run_on,
        due_on=run.due_on,
        payers_as_at=run.payers_as_at,
        scale_code=run.scale_code,
        amount=format_minor(run.amount_minor),
        posted=format_minor(run.posted_minor),
        entry_seq=run.entry_seq,
        supplementary_state=run.supplementary_state,
    )


def _line_out(line: AssessmentLine) -> RunLineOut:
    return RunLineOut(
        state_code=line.state_code,
        un_rate=_decimal(line.un_rate),
        rate=format(line.rate, "f"),
        limit=line.limit,
        pro_rata=format(line.pro_rata, "f"),
        amount=format_minor(line.amount_minor),
        posted=format_minor(line.delta_minor),
    )


def run_detail(session: Session, run_id: int) -> RunDetail:
    run, lines = service.get_run(session, run_id)
    return RunDetail(**run_out(session, run).model_dump(), lines=[_line_out(x) for x in lines])


_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "/budgets/{budget_id}/assessments",
    response_model=RunDetail,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def assess(
    budget_id: int, data: RunIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Assess a budget in force (first run), or post a revision's differences.

    A second run of an unchanged budget is refused (409)."""
    return idem.run(
        actor,
        lambda: run_detail(
            session,
            service.assess(session, actor=actor, budget_id=budget_id, run_on=data.run_on).id or 0,
        ),
        status_code=201,
    )


@router.post(
    "/budgets/{budget_id}/assessments/supplementary",
    response_model=RunDetail,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def assess_supplementary(
    budget_id: int,
    data: SupplementaryIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Assess a State that joined during the year (pro rata); the others stay unchanged."""
    return idem.run(
        actor,
        lambda: run_detail(
            session,
            service.assess_supplementary(
                session,
                actor=actor,
                budget_id=budget_id,
                state_code=data.state_code,
                run_on=data.run_on,
            ).id
            or 0,
        ),
        status_code=201,
    )


@router.post(
    "/budgets/{budget_id}/assessments/csp-reassessment",
    response_model=RunDetail,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def reassess_csp(
    budget_id: int, data: RunIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Re-assess a CSP budget on the States registered for that year's CSP."""
    return idem.run(
        actor,
        lambda: run_detail(
            session,
            service.reassess_csp(session, actor=actor, budget_id=budget_id, run_on=data.run_on).id
            or 0,
        ),
        status_code=201,
    )


@router.get(
    "/assessments/runs", response_model=Page[RunOut], responses=error_responses(401, 403, 422)
)
def list_runs(session: SessionDep, _actor: ReaderDep, budget_id: int | None = None) -> Page[RunOut]:
    """Assessment runs, newest first."""
    rows = [run_out(session, r) for r in service.list_runs(session, budget_id=budget_id)]
    return Page.whole(rows)


@router.get(
    "/assessments/runs/{run_id}",
    response_model=RunDetail,
    responses=error_responses(401, 403, 404, 422),
)
def get_run(run_id: int, session: SessionDep, _actor: ReaderDep) -> RunDetail:
    """A run with each State's amount and what the run posted."""
    return run_detail(session, run_id)


@router.get(
    "/assessments/runs/{run_id}/explain",
    response_model=ExplanationOut,
    responses=error_responses(401, 403, 404, 422),
)
def explain(
    run_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    state: Annotated[str, Query(min_length=3, max_length=3)],
) -> ExplanationOut:
    """Recompute a State's stored amount from the methodology and inputs, and say how."""
    e = service.explain(session, run_id=run_id, state_code=state)
    return ExplanationOut(
        state_code=e.state_code,
        run_id=e.run_id,
        kind=e.kind,
        amount_to_assess=format_minor(e.amount_to_assess_minor),
        scale_code=e.scale_code,
        un_rate=_decimal(e.un_rate),
        ldc=e.ldc,
        rate=format(e.rate, "f"),
        limit=e.limit,
        pro_rata=format(e.pro_rata, "f"),
        stored=format_minor(e.stored_minor),
        recomputed=format_minor(e.recomputed_minor),
        posted=format_minor(e.posted_minor),
        matches=e.matches,
    )


@router.get(
    "/assessments/runs/{run_id}/notices/{state}",
    response_class=Response,
    responses=file_responses("The notice as PDF, xlsx or HTML.", MEDIA_TYPES.values()),
)
def get_notice(
    run_id: int,
    state: str,
    session: SessionDep,
    _actor: ReaderDep,
    lang: Language = Language.EN,
    format: NoticeFormat = NoticeFormat.PDF,
) -> Response:
    """The assessment notice a State receives for a run, in English, French or Spanish."""
    notice = notices.notice_for(session, run_id=run_id, state_code=state)
    body = notices.render(notice, lang, format)
    filename = f"{notice.filename_stem}-{lang.value}.{format.value}"
    return file_response(body, MEDIA_TYPES[format], filename)
