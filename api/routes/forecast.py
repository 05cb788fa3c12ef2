"""The cash forecast and spending plans.

Confidential: the Management Committee and finance officers read them; finance officers
record spending plans."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.schemas import Page, Year
from finance_core.db_types import utctoday
from finance_core.forecast import service, spending_plans
from finance_core.forecast.schemas import SpendingPlanIn, SpendingPlanOut
from reports.forecast import forecast_csv

router = APIRouter(tags=["forecast"])

#: The ``fund`` value that forecasts every assessed fund together.
ALL_FUNDS = "all"


class ForecastFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@router.get(
    "/forecast",
    response_class=Response,
    responses=file_responses(
        "The forecast as JSON (ForecastOut) or CSV (one row per scenario and month).",
        ["application/json", "text/csv; charset=utf-8"],
    ),
)
def get_forecast(
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[date | None, Query(description="Value-date cutoff (default today).")] = None,
    known_at: Annotated[
        datetime | None, Query(description="Recording cutoff (UTC; default now).")
    ] = None,
    fund: Annotated[
        str, Query(description="An assessed fund (SEC, CSP), or `all` for them together.")
    ] = "SEC",
    months: Annotated[int, Query(ge=1, le=service.MAX_MONTHS, description="Months ahead.")] = 12,
    floor: Annotated[
        str, Query(description="Cash to keep (US dollars); the reserve is drawn below it.")
    ] = "0.00",
    surplus_year: Annotated[
        Year | None,
        Query(description="Add one scenario per alternative decision on this year's surplus."),
    ] = None,
    surplus_fund: Annotated[
        str | None,
        Query(description="The fund whose surplus is decided (default: the fund forecast)."),
    ] = None,
    format: ForecastFormat = ForecastFormat.JSON,
) -> Response:
    """The cash forecast for the months after ``as_at``: receipts expected from each
    State's payment history, planned spending (the spending plan, else the budget spread
    evenly), cash before and after drawing on the reserve, the draw and the reserve left,
    and any shortfall; with each State's share and delay and every assumption made. With
    ``surplus_year``, the same forecast under each decision the CSP could take on that
    year's surplus (credits to the States, money into the reserve)."""
    report = service.forecast_out(
        session,
        service.forecast(
            session,
            as_at=as_at or utctoday(),
            known_at=as_utc(known_at),
            months=months,
            fund=None if fund.lower() == ALL_FUNDS else fund.upper(),
            floor_minor=service.parse_cents(floor, field="floor"),
            surplus_year=surplus_year,
            surplus_fund=surplus_fund.upper() if surplus_fund else None,
        ),
    )
    if format is ForecastFormat.CSV:
        name = f"forecast-{'-'.join(report.funds)}-{report.as_at.isoformat()}.csv"
        return file_response(forecast_csv(report), "text/csv; charset=utf-8", name)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/spending-plans",
    response_model=Page[SpendingPlanOut],
    responses=error_responses(401, 403, 422),
)
def list_spending_plans(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: str | None = None,
    year: int | None = None,
) -> Page[SpendingPlanOut]:
    """Spending plans (every version), newest year first, the latest version first, each
    with the budget in force today."""
    limit, offset = window
    found, total = spending_plans.list_plans(
        session, fund=fund, year=year, limit=limit, offset=offset
    )
    today = utctoday()
    items = [spending_plans.plan_out(session, rows, as_at=today) for rows in found]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/spending-plans",
    response_model=SpendingPlanOut,
    status_code=201,
    responses=error_responses(401, 403, 422),
)
def add_spending_plan(
    data: SpendingPlanIn, session: SessionDep, actor: OfficerDep
) -> SpendingPlanOut:
    """Record a fund-year's spending plan (monthly amounts in US dollars; months not given
    plan nothing). It replaces the fund-year's earlier plan as a new version; the cash
    forecast uses it instead of the budget spread evenly."""
    rows = spending_plans.add_plan(session, actor=actor, data=data)
    return spending_plans.plan_out(session, rows, as_at=utctoday())
