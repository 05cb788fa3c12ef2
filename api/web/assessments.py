"""Budgets, their revisions, assessment runs and notices, in the web interface.

- ``/app/assessments``: the budgets by year and fund and the assessment runs (readers);
  officers record a budget, revise one, or run an assessment from there.
- A budget's page: its latest version, its lines and every revision (readers), with the
  revision form for officers.
- Running an assessment is a wizard for officers: choose the budget and the run's date
  (what the API's run request asks; the methodology and the scale follow from the fund
  and the year), see the preview the service computes (``plan_run``: each State's rate
  and amount, the methodology used; nothing is written), then confirm: the run is
  recorded once (the form's idempotency key) and the run's page is shown.
- A run's page: each State's amount and what the run posted, with each State's notice
  downloaded through this interface (PDF, xlsx or HTML, in English, French or Spanish).

Pages call the same services as the JSON API (``finance_core.budgets.service``,
``finance_core.assessments.service``, ``reports.notices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session, col

from api.deps import SessionDep
from api.files import file_response
from api.routes.assessments import run_detail, run_out
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import (
    KEY_FIELD,
    field_errors,
    form_lists,
    form_values,
    new_key,
    parse,
    write_once,
)
from api.web.pages import render
from finance_core.actor import Actor
from finance_core.assessments import methodology as methodologies
from finance_core.assessments import service as assessments
from finance_core.assessments.models import MethodologyVersion
from finance_core.assessments.schemas import RunIn, RunOut
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, BudgetOut, VersionIn
from finance_core.db_types import utctoday
from finance_core.errors import DomainError, NotFound
from finance_core.funds.models import Fund, FundKind
from finance_core.money import format_minor
from finance_core.states.models import State
from finance_core.system.service import is_demo
from reports import notices
from reports.i18n import Language
from reports.notices import MEDIA_TYPES, NoticeFormat

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of this area's forms are scoped to.
BUDGET_ROUTE = "POST /app/assessments/budgets"
REVISION_ROUTE = "POST /app/assessments/budgets/{budget_id}/revisions"
RUN_ROUTE = "POST /app/assessments/runs"

_VERSION_FIELDS = ("decision_symbol", "adopted_on", "carried_over", "note")
_BUDGET_FIELDS = ("fund", "year", *_VERSION_FIELDS)
_RUN_FIELDS = ("budget_id", "run_on")
#: The repeated fields of a budget line, in the form's order.
_LINE_FIELDS = ("code", "title", "amount")
#: Blank lines offered on a budget form besides the lines already there.
_BLANK_LINES = 2
_NEW_BUDGET_LINES = 5
#: The notice's languages and formats, as offered on a run's page.
LANGUAGES = (("en", "English"), ("fr", "French"), ("es", "Spanish"))
FORMATS = (("pdf", "PDF"), ("xlsx", "xlsx"), ("html", "HTML"))
#: A budget's latest version, whatever its date (the version a revision follows).
_LATEST = date.max


class RunChoice(RunIn):
    """Step 1 of the wizard: the budget to assess and the run's date (the API's run
    request, with the budget the API takes from the address)."""

    budget_id: int


# --- reading -----------------------------------------------------------------------------


def _latest(session: Session, budget_id: int) -> BudgetOut:
    """A budget with its latest version and that version's lines."""
    return budgets.budget_out(session, budgets.get_budget(session, budget_id), _LATEST)


def _runs(session: Session, budget_id: int | None = None) -> list[RunOut]:
    return [run_out(session, r) for r in assessments.list_runs(session, budget_id=budget_id)]


def _fund_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(col(Fund.code), col(Fund.name)).order_by(col(Fund.code)))
    return {str(code): str(name) for code, name in rows.all()}


def _assessed_funds(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(col(Fund.code), col(Fund.name))
        .where(col(Fund.kind) == FundKind.ASSESSED)
        .order_by(col(Fund.code))
    )
    return [(code, f"{code} — {name}") for code, name in rows.all()]


def _state_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(col(State.code), col(State.name)))
    return {str(code): str(name) for code, name in rows.all()}


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """A budget on the landing page: its latest version and its latest run."""

    budget: BudgetOut
    last_run: RunOut | None

    @property
    def revisions(self) -> int:
        return max(0, len(self.budget.versions) - 1)


def _budget_rows(session: Session) -> list[BudgetRow]:
    last: dict[int, RunOut] = {}
    for run in _runs(session):  # newest first
        last.setdefault(run.budget_id, run)
    return [
        BudgetRow(budgets.budget_out(session, b, _LATEST), last.get(b.id or 0))
        for b in budgets.list_budgets(session)
    ]


@router.get("/assessments")
def assessments_page(request: Request, session: SessionDep, caller: Reader) -> Response:
    return render(
        request,
        "assessments_index.html.j2",
        caller=caller,
        demo=is_demo(session),
        rows=_budget_rows(session),
        runs=_runs(session),
        funds=_fund_names(session),
    )


# --- budgets -----------------------------------------------------------------------------


def _line_rows(values: dict[str, Any]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = values.get("lines", [])
    return rows


def _budget_data(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The form's fields as the API's request data (blank lines left out)."""
    data: dict[str, Any] = {k: values.get(k, "") for k in names}
    data["lines"] = [
        {k: v for k, v in row.items() if v.strip()}
        for row in _line_rows(values)
        if any(v.strip() for v in row.values())
    ]
    if not data.get("carried_over", "").strip():
        data["carried_over"] = "0"
    return data


async def _posted_budget(request: Request, names: tuple[str, ...]) -> dict[str, Any]:
    """A posted budget form: its fields, and its lines as rows of code, title, amount."""
    values: dict[str, Any] = await form_values(request, names)
    columns = [await form_lists(request, f"line_{f}") for f in _LINE_FIELDS]
    count = max((len(c) for c in columns), default=0)
    values["lines"] = [
        {f: (c[i] if i < len(c) else "") for f, c in zip(_LINE_FIELDS, columns, strict=True)}
        for i in range(count)
    ]
    return values


def _line_errors(errors: dict[str, str], rows: list[dict[str, str]]) -> dict[str, str]:
    """Errors by field of the form: ``lines.0.amount`` (the request's row) or
    ``lines.SEC-01.amount`` (the service's line code) → ``amount-<row>``."""
    filled = [i for i, row in enumerate(rows) if any(v.strip() for v in row.values())]
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if key == "lines":
            shown[key] = "give at least one line with its code, title and amount"
            continue
        if parts[0] != "lines":
            shown[key] = message
            continue
        field = parts[2] if len(parts) > 2 and parts[2] in _LINE_FIELDS else "code"
        if parts[1].isdigit() and int(parts[1]) < len(filled):
            shown[f"{field}-{filled[int(parts[1])]}"] = message
            continue
        matches = [i for i, row in enumerate(rows) if row.get("code", "").strip() == parts[1]]
        for i in matches:
            shown[f"{field}-{i}"] = message
        if not matches:
            shown[key] = message
    return shown


def _budget_form(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    errors = _line_errors(errors or {}, _line_rows(values))
    return render(
        request,
        "assessments_budget_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors,
        funds=_assessed_funds(session),
    )


@router.get("/assessments/budgets/new")
def new_budget(request: Request, session: SessionDep, caller: Officer) -> Response:
    values: dict[str, Any] = {
        "year": str(utctoday().year + 1),
        "adopted_on": utctoday().isoformat(),
        "carried_over": "0.00",
        "lines": [dict.fromkeys(_LINE_FIELDS, "") for _ in range(_NEW_BUDGET_LINES)],
        KEY_FIELD: new_key(),
    }
    return _budget_form(request, session, caller, values)


@router.post("/assessments/budgets")
async def record_budget(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await _posted_budget(request, _BUDGET_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=BUDGET_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(BudgetIn, _budget_data(values, _BUDGET_FIELDS)),
        write=lambda actor, data: budgets.budget_out(
            session, budgets.adopt_budget(session, actor=actor, data=data), data.adopted_on
        ),
        then=lambda done: f"/app/assessments/budgets/{done['id']}",
        refused=lambda exc: _budget_form(
            request, session, caller, values, errors=field_errors(exc), status_code=422
        ),
    )


def _revision_values(budget: BudgetOut) -> dict[str, Any]:
    """The revision form, filled in with the latest version's lines."""
    latest = budget.versions[-1] if budget.versions else None
    lines = [{"code": x.code, "title": x.title, "amount": x.amount} for x in budget.lines]
    lines += [dict.fromkeys(_LINE_FIELDS, "") for _ in range(_BLANK_LINES)]
    return {
        "adopted_on": utctoday().isoformat(),
        "carried_over": latest.carried_over if latest else "0.00",
        "lines": lines,
        KEY_FIELD: new_key(),
    }


def _budget_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    budget_id: int,
    values: dict[str, Any] | None = None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    budget = _latest(session, budget_id)
    values = values if values is not None else _revision_values(budget)
    return render(
        request,
        "assessments_budget.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        budget=budget,
        fund_name=_fund_names(session).get(budget.fund, budget.fund),
        runs=_runs(session, budget_id),
        values=values,
        errors=_line_errors(errors or {}, _line_rows(values)),
    )


@router.get("/assessments/budgets/{budget_id}")
def budget_page(budget_id: int, request: Request, session: SessionDep, caller: Reader) -> Response:
    return _budget_page(request, session, caller, budget_id)


@router.post("/assessments/budgets/{budget_id}/revisions")
async def revise_budget(
    budget_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await _posted_budget(request, _VERSION_FIELDS)

    def revision() -> VersionIn:
        budgets.get_budget(session, budget_id)
        return parse(VersionIn, _budget_data(values, _VERSION_FIELDS))

    def refused(exc: DomainError) -> Response:
        if isinstance(exc, NotFound):  # no such budget: the 404 page, not the form
            raise exc
        return _budget_page(
            request,
            session,
            caller,
            budget_id,
            values,
            errors=field_errors(exc),
            status_code=422,
        )

    return write_once(
        session,
        request,
        caller,
        route=REVISION_ROUTE.format(budget_id=budget_id),
        key=values[KEY_FIELD],
        data=revision,
        write=lambda actor, data: _revised(session, actor=actor, budget_id=budget_id, data=data),
        then=lambda _done: f"/app/assessments/budgets/{budget_id}#versions",
        refused=refused,
    )


def _revised(session: Session, *, actor: Actor, budget_id: int, data: VersionIn) -> BudgetOut:
    """Record a revision; the budget as revised."""
    budgets.revise_budget(session, actor=actor, budget_id=budget_id, data=data)
    return budgets.budget_out(session, budgets.get_budget(session, budget_id), data.adopted_on)


# --- the assessment wizard ---------------------------------------------------------------


def _budget_choices(session: Session) -> list[tuple[str, str]]:
    """Each budget as an option of step 1: year, fund, and whether it was assessed."""
    options = []
    for row in _budget_rows(session):
        b, run = row.budget, row.last_run
        state = f"last run {run.id} on {run.run_on.isoformat()}" if run else "not assessed yet"
        revised = f", {row.revisions} revision(s)" if row.revisions else ""
        options.append((str(b.id), f"{b.year} {b.fund} — {state}{revised}"))
    return options


def _wizard(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "assessments_run_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        choices=_budget_choices(session),
    )


@router.get("/assessments/run")
def run_wizard(
    request: Request, session: SessionDep, caller: Officer, budget: int | None = None
) -> Response:
    """Step 1: which budget, on which day (``?budget=ID`` chooses one already)."""
    values = {
        "budget_id": str(budget or ""),
        "run_on": utctoday().isoformat(),
        KEY_FIELD: new_key(),
    }
    return _wizard(request, session, caller, values)


def _methodology_facts(m: MethodologyVersion) -> list[tuple[str, str]]:
    """The methodology's rules in words, as the preview shows them."""
    out = methodologies.to_out(m)

    def pct(value: object) -> str:
        return "none" if value is None else f"{value} %"

    due = (
        f"{out.due_days} days after the notice"
        if out.due_rule == "days_after_notice"
        else f"{out.due_day}/{out.due_month} of the year"
    )
    lag = out.scale_lag_years
    scale = "the UN scale covering the budget year" + (f", less {lag} year(s)" if lag else "")
    facts = [
        ("Adopted by", f"{out.decision_symbol} ({out.adopted_on.isoformat()})"),
        ("In force from", str(out.effective_from_year)),
        ("Payers", str(out.payers).replace("_", " ")),
        ("Scale used", scale),
        ("Ceiling", pct(out.ceiling)),
        ("LDC cap", pct(out.ldc_cap)),
        ("Floor rate", pct(out.floor_rate)),
        ("Rounding unit", f"US$ {out.rounding_unit}"),
        ("Due", due),
    ]
    if out.fixed_shares:
        shares = ", ".join(f"{k} {v} %" for k, v in sorted(out.fixed_shares.items()))
        facts.append(("Fixed shares", shares))
    return facts


@router.post("/assessments/run/preview")
async def preview_run(request: Request, session: SessionDep, caller: Officer) -> Response:
    """Step 2: what the run would record, computed by the service; nothing is written."""
    values = await form_values(request, _RUN_FIELDS)
    try:
        choice = parse(RunChoice, values)
        plan = assessments.plan_run(session, budget_id=choice.budget_id, run_on=choice.run_on)
    except DomainError as exc:
        session.rollback()
        return _wizard(request, session, caller, values, errors=field_errors(exc), status_code=422)
    basis = plan.basis
    names = _state_names(session)
    lines = [
        {
            "code": x.state_code,
            "name": names.get(x.state_code, x.state_code),
            "un_rate": "" if x.un_rate is None else format(x.un_rate, "f"),
            "rate": format(x.rate, "f"),
            "limit": (x.limit or "").replace("_", " "),
            "amount": format_minor(x.amount_minor),
            "posted": format_minor(x.delta_minor),
        }
        for x in plan.lines()
    ]
    return render(
        request,
        "assessments_run_preview.html.j2",
        caller=caller,
        demo=is_demo(session),
        values=values,
        plan=plan,
        budget=basis.budget,
        version=basis.version.version,
        to_assess=format_minor(basis.version.to_assess_minor),
        total=format_minor(plan.amount_minor),
        posted=format_minor(plan.posted_minor),
        balanced=plan.amount_minor == basis.version.to_assess_minor,
        methodology=_methodology_facts(basis.methodology),
        lines=lines,
        payers=sum(1 for x in plan.lines() if x.amount_minor),
    )


@router.post("/assessments/runs")
async def record_run(request: Request, session: SessionDep, caller: Officer) -> Response:
    """Step 3: the run recorded once (a resubmitted form shows the same run)."""
    values = await form_values(request, _RUN_FIELDS)

    def refused(exc: DomainError) -> Response:
        values[KEY_FIELD] = new_key()
        return _wizard(request, session, caller, values, errors=field_errors(exc), status_code=422)

    return write_once(
        session,
        request,
        caller,
        route=RUN_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(RunChoice, values),
        write=lambda actor, choice: run_out(
            session,
            assessments.assess(
                session, actor=actor, budget_id=choice.budget_id, run_on=choice.run_on
            ),
        ),
        then=lambda done: f"/app/assessments/runs/{done['id']}",
        refused=refused,
    )


# --- a run and its notices ---------------------------------------------------------------


@router.get("/assessments/runs/{run_id}")
def run_page(
    run_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    lang: Language = Language.EN,
    format: NoticeFormat = NoticeFormat.PDF,
) -> Response:
    detail = run_detail(session, run_id)
    budget = _latest(session, detail.budget_id)
    run, _ = assessments.get_run(session, run_id)
    version = next(
        v for v in budgets.versions(session, run.budget_id) if v.version.id == run.budget_version_id
    )
    return render(
        request,
        "assessments_run.html.j2",
        caller=caller,
        demo=is_demo(session),
        run=detail,
        budget=budget,
        version=version.version,
        to_assess=format_minor(version.to_assess_minor),
        names=_state_names(session),
        lang=lang.value,
        fmt=format.value,
        languages=LANGUAGES,
        formats=FORMATS,
    )


@router.get("/assessments/runs/{run_id}/notices/{state}")
def notice_file(
    run_id: int,
    state: str,
    session: SessionDep,
    _caller: Reader,
    lang: Language = Language.EN,
    format: NoticeFormat = NoticeFormat.PDF,
) -> Response:
    """A State's notice for a run, downloaded with the web session (as the API serves it)."""
    notice = notices.notice_for(session, run_id=run_id, state_code=state)
    body = notices.render(notice, lang, format)
    filename = f"{notice.filename_stem}-{lang.value}.{format.value}"
    return file_response(body, MEDIA_TYPES[format], filename)
