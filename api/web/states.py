"""States in the web interface: the list with its filters (treaty status, UN regional
group, in arrears or not; a GET form, so a filtered list has its own address), and a
State's page: its membership history, its statement of account (with the xlsx, csv and
pdf downloads), its payment plans and where it stands under Financial Rule 8.

Every figure comes from the services the JSON API uses (``states.service``,
``arrears.rule8``, ``payments.statement``, ``arrears.plans``); this module only picks and
formats them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.files import file_response
from api.web.auth import Reader
from api.web.pages import render
from finance_core.arrears import plans
from finance_core.arrears.rule8 import positions, rule8, rule8_out
from finance_core.db_types import utctoday
from finance_core.money import format_minor
from finance_core.payments import statement as statements
from finance_core.states import service
from finance_core.states.membership import Status
from finance_core.states.models import RegionalGroup
from finance_core.system.service import is_demo
from reports.statement import COLUMNS, MEDIA_TYPES, TITLES, StatementFormat
from reports.statement import render as render_statement

router = APIRouter(prefix="/app", include_in_schema=False)

#: A State's relation to the treaty, in words.
STATUS_LABELS = {
    Status.STATE_PARTY.value: "State Party",
    Status.SIGNATORY.value: "Signatory",
    Status.NONE.value: "Not a party",
}
#: The "in arrears" filter's choices.
ARREARS_CHOICES = (("yes", "In arrears"), ("no", "Not in arrears"))
#: Where a statement of account starts (the treaty's first assessments).
STATEMENT_FROM = date(2015, 1, 1)
#: The statement formats offered for download.
DOWNLOADS = (StatementFormat.XLSX, StatementFormat.CSV, StatementFormat.PDF)
#: Plan decisions and standings, in words.
DECISIONS = {"submitted": "awaiting the Committee", "approved": "approved", "rejected": "rejected"}
STANDINGS = {
    "on_track": "on track",
    "behind": "behind (within the grace period)",
    "lapsed": "lapsed",
    "completed": "completed",
}

Text = Annotated[str, Query(max_length=120)]


def as_at_of(text: str) -> tuple[date, str | None]:
    """The date asked for (today when blank), or today and why the text is not a date."""
    if not text.strip():
        return utctoday(), None
    try:
        return date.fromisoformat(text.strip()), None
    except ValueError:
        return utctoday(), f"“{text}” is not a date (YYYY-MM-DD): showing today"


@dataclass(frozen=True, slots=True)
class StateRow:
    code: str
    name: str
    group: str
    status: str
    outstanding: str
    in_arrears: bool
    arrears: str
    rule8: str


def _rule8_words(subject: bool, exempt: bool) -> str:
    if subject:
        return "Subject"
    return "Exempt (payment plan)" if exempt else "No"


@router.get("/states")
def states_list(
    request: Request,
    session: SessionDep,
    caller: Reader,
    status: Text = "",
    group: Text = "",
    arrears: Text = "",
    q: Text = "",
    as_at: Text = "",
) -> Response:
    """The States as at a date, filtered by treaty status, regional group and arrears."""
    day, problem = as_at_of(as_at)
    chosen = Status(status) if status in STATUS_LABELS else None
    found = service.list_states(
        session, as_at=day, status=chosen, regional_group=group or None, search=q.strip() or None
    )
    owed = positions(session, as_at=day) if found else {}
    rows: list[StateRow] = []
    for s in found:
        p = owed.get(s.code)
        late = p is not None and p.arrears > 0
        if (arrears == "yes" and not late) or (arrears == "no" and late):
            continue
        rows.append(
            StateRow(
                code=s.code,
                name=s.name,
                group=s.regional_group or "",
                status=STATUS_LABELS.get(s.status.value, s.status.value),
                outstanding=format_minor(p.outstanding if p else 0),
                in_arrears=late,
                arrears=format_minor(p.arrears if p else 0),
                rule8=_rule8_words(p.subject, p.exempt) if p else "No",
            )
        )
    return render(
        request,
        "states_list.html.j2",
        caller=caller,
        demo=is_demo(session),
        rows=rows,
        any_state=bool(found) or bool(status or group or arrears or q),
        values={"status": status, "group": group, "arrears": arrears, "q": q, "as_at": as_at},
        as_at=day,
        problem=problem,
        statuses=list(STATUS_LABELS.items()),
        groups=[(g.value, g.value) for g in RegionalGroup],
        arrears_choices=ARREARS_CHOICES,
    )


def _statement_table(data: statements.Statement) -> dict[str, Any]:
    """The statement's rows as text, with only the movement columns that are used."""
    rows = [*data.receivables, *data.credit]
    used = [c for c in COLUMNS if any(r.movements.get(c, 0) for r in rows)]

    def line(r: statements.Row, section: str) -> dict[str, Any]:
        return {
            "section": section,
            "fund": r.fund,
            "year": r.assessment_year,
            "opening": format_minor(r.opening_minor),
            "movements": [format_minor(r.movements.get(c, 0)) for c in used],
            "closing": format_minor(r.closing_minor),
        }

    return {
        "columns": [TITLES[c] for c in used],
        "owed_rows": [line(r, "owed") for r in data.receivables],
        "credit_rows": [line(r, "credit") for r in data.credit],
        "owed": format_minor(data.owed_minor),
        "credit": format_minor(data.credit_minor),
    }


@router.get("/states/{code}")
def state_page(
    code: str, request: Request, session: SessionDep, caller: Reader, as_at: Text = ""
) -> Response:
    """A State: membership, statement of account, payment plans and Rule 8, as at a date."""
    day, problem = as_at_of(as_at)
    detail = service.state_detail(session, code, as_at=day)
    account = statements.statement(
        session, state_code=detail.code, from_on=min(STATEMENT_FROM, day), as_at=day
    )
    found, _total = plans.list_plans(session, state_code=detail.code, limit=1000, offset=0)
    state_plans = [plans.plan_out(session, p, as_at=day) for p in found]
    listed = rule8_out(session, rule8(session, as_at=day))
    standing = next((i for i in listed.items if i.state_code == detail.code), None)
    return render(
        request,
        "states_page.html.j2",
        caller=caller,
        demo=is_demo(session),
        state=detail,
        status=STATUS_LABELS.get(detail.status.value, detail.status.value),
        as_at=day,
        as_at_text=as_at,
        problem=problem,
        account=_statement_table(account),
        downloads=DOWNLOADS,
        plans=state_plans,
        decisions=DECISIONS,
        standings=STANDINGS,
        rule8=standing,
        rule8_reference=listed.rule_reference,
        measures=listed.measures,
        pending=any(p.decision == "submitted" for p in state_plans),
    )


@router.get("/states/{code}/statement")
def state_statement(
    code: str,
    session: SessionDep,
    _caller: Reader,
    fmt: Annotated[StatementFormat, Query(alias="format")] = StatementFormat.XLSX,
    as_at: Text = "",
) -> Response:
    """The State's statement of account as at a date, as a file (as the API serves it)."""
    day, _problem = as_at_of(as_at)
    data = statements.statement(
        session, state_code=code, from_on=min(STATEMENT_FROM, day), as_at=day
    )
    body = render_statement(data, fmt, demo=is_demo(session))
    name = f"statement-{data.state_code}-{data.as_at.isoformat()}.{fmt.value}"
    return file_response(body, MEDIA_TYPES[fmt], name)
