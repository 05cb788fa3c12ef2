"""Reminder letters to States with assessed contributions outstanding and due: the
statement of what is owed, where the State stands under Financial Rule 8 and how it may
apply for a Rule 8(1)(d) payment plan; in English, French or Spanish, as HTML or PDF.
Rendered from the ledger as at ``(as_at, known_at)``: the same inputs always give the same
letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.arrears import aging as pure
from finance_core.arrears.rule8 import rule8
from finance_core.arrears.rules import MEASURES, measures_of
from finance_core.arrears.service import aging
from finance_core.conferences.models import Conference
from finance_core.errors import NotFound
from finance_core.states.service import get_state
from finance_core.system.service import is_demo
from reports.i18n import Language, day, label, money, words
from reports.notices import html_to_pdf, templates


class ReminderFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


MEDIA_TYPES = {
    ReminderFormat.HTML: "text/html; charset=utf-8",
    ReminderFormat.PDF: "application/pdf",
}


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """One line of the statement: a fund and assessment year outstanding and due.

    Amounts are US cents; ``paid``, ``credited`` and ``written_off`` are positive when
    they reduce the debt, and ``outstanding = assessed - paid - credited - written_off +
    adjusted``. ``bucket`` is the aging bucket (``current``, ``1_year``, …) and
    ``days_past_due`` the days from the due date to the as-at date."""

    fund: str
    year: int
    due_on: date
    assessed_minor: int
    paid_minor: int
    credited_minor: int
    written_off_minor: int
    adjusted_minor: int
    outstanding_minor: int
    bucket: str
    days_past_due: int


@dataclass(frozen=True, slots=True)
class Reminder:
    """What a reminder letter says, as at ``as_at`` (amounts in US cents).

    ``total_due_minor`` is the sum of the rows (everything outstanding and due);
    ``arrears_minor`` the part owed on assessments of years before the as-at year in the
    arrears funds. The ``trigger_*`` fields are Rule 8's test: met when the arrears exceed
    ``trigger_minimum_minor`` and are at least ``trigger_threshold_minor``, the
    contributions assessed for ``trigger_years`` (oldest first). ``subject``: the
    measures (``measures``, codes of ``rules.MEASURES``) apply; ``exempt``: the trigger is
    met but the approved plan ``plan_id`` exempts the State (``plan_standing`` is its
    standing, ``plan_lapsed_on`` the day it lapsed, if it did). ``next_csp_*`` is the
    first CSP opening after ``as_at`` (None when none is recorded) and
    ``plan_deadline`` the last day a Rule 8(1)(d) application can be received to count
    for it (``plan_lead_days`` before the opening)."""

    reference: str
    state_code: str
    state_name: str
    as_at: date
    rows: tuple[ReminderRow, ...]
    total_due_minor: int
    arrears_minor: int
    trigger_met: bool
    trigger_arrears_minor: int
    trigger_threshold_minor: int
    trigger_minimum_minor: int
    trigger_years: tuple[int, ...]
    subject: bool
    exempt: bool
    plan_id: int | None
    plan_standing: str | None
    plan_lapsed_on: date | None
    measures: tuple[str, ...]
    next_csp_number: int | None
    next_csp_name: str | None
    next_csp_opens_on: date | None
    plan_deadline: date | None
    plan_max_years: int
    plan_lead_days: int
    demo: bool

    @property
    def filename_stem(self) -> str:
        return f"reminder-{self.as_at}-{self.state_code}"

    @property
    def funds(self) -> list[str]:
        """The funds of the rows, in order of first appearance."""
        return list(dict.fromkeys(r.fund for r in self.rows))


def _next_conference(session: Session, after: date) -> Conference | None:
    """The first CSP opening after ``after`` (strictly), if one is recorded."""
    found: Conference | None = session.execute(
        select(Conference)
        .where(col(Conference.start_on) > after)
        .order_by(col(Conference.start_on))
        .limit(1)
    ).scalar_one_or_none()
    return found


def reminder_for(
    session: Session, *, state_code: str, as_at: date, known_at: datetime | None = None
) -> Reminder:
    """The reminder to ``state_code`` as at ``as_at`` (as recorded by ``known_at``).

    NotFound if the State does not exist or owes nothing that is due on ``as_at``."""
    state = get_state(session, state_code)
    report = aging(session, as_at=as_at, known_at=known_at, state=state.code)
    position = report.states.get(state.code)
    due = [
        a
        for a in (position.cells if position else [])
        if a.bucket != pure.NOT_DUE and a.outstanding != 0
    ]
    due.sort(key=lambda a: (a.cell.year, a.cell.fund))
    total = sum(a.outstanding for a in due)
    if position is None or total <= 0:
        raise NotFound(
            f"{state.code} owes nothing that is due as at {as_at}: there is nothing to remind"
        )
    row = next(
        (r for r in rule8(session, as_at=as_at, known_at=known_at).rows if r.state == state.code),
        None,
    )
    check = (
        row.trigger
        if row is not None
        else pure.trigger(position, report.cells, as_at, report.rules)
    )
    standing = row.standing if row is not None else None
    plan = row.plan if row is not None else None
    rule = report.rule
    conference = _next_conference(session, as_at)
    return Reminder(
        reference=f"ATT/FIN/ARR/{as_at.isoformat()}/{state.code}",
        state_code=state.code,
        state_name=state.name,
        as_at=as_at,
        rows=tuple(
            ReminderRow(
                fund=a.cell.fund,
                year=a.cell.year,
                due_on=a.cell.due_on,
                assessed_minor=a.cell.assessed,
                paid_minor=a.cell.paid,
                credited_minor=a.cell.credited,
                written_off_minor=a.cell.written_off,
                adjusted_minor=a.cell.adjusted,
                outstanding_minor=a.outstanding,
                bucket=a.bucket,
                days_past_due=a.days_past_due,
            )
            for a in due
        ),
        total_due_minor=total,
        arrears_minor=position.arrears,
        trigger_met=check.met,
        trigger_arrears_minor=check.arrears,
        trigger_threshold_minor=check.threshold,
        trigger_minimum_minor=check.minimum,
        trigger_years=tuple(sorted(check.years)),
        subject=row.subject if row is not None else False,
        exempt=row.exempt if row is not None else False,
        plan_id=plan.id if plan is not None else None,
        plan_standing=standing.standing.value if standing is not None else None,
        plan_lapsed_on=standing.lapsed_on if standing is not None else None,
        measures=tuple(measures_of(rule)),
        next_csp_number=conference.number if conference else None,
        next_csp_name=conference.name if conference else None,
        next_csp_opens_on=conference.start_on if conference else None,
        plan_deadline=(
            conference.start_on - timedelta(days=rule.plan_lead_days) if conference else None
        ),
        plan_max_years=rule.plan_max_years,
        plan_lead_days=rule.plan_lead_days,
        demo=is_demo(session),
    )


def render_html(reminder: Reminder, language: Language) -> str:
    """The reminder as an HTML page (an A4 letter)."""

    def t(key: str, **values: object) -> str:
        text = label(key, language)
        return text.format(**values) if values else text

    return (
        templates()
        .get_template("reminder.html.j2")
        .render(
            r=reminder,
            lang=language.value,
            t=t,
            fund=lambda code: label(f"fund.{code}", language, default=code),
            bucket=lambda name: label(f"bucket.{name}", language, default=name),
            measure=lambda code: label(
                f"measure.{code}", language, default=MEASURES.get(code, code)
            ),
            years=words([str(y) for y in reminder.trigger_years], language),
            money=lambda minor: money(minor, language),
            day=lambda value: day(value, language),
        )
    )


def render(reminder: Reminder, language: Language, fmt: ReminderFormat) -> bytes:
    """The reminder in ``fmt`` as bytes (PDF needs the Pango library)."""
    html = render_html(reminder, language)
    if fmt is ReminderFormat.PDF:
        return html_to_pdf(html)
    return html.encode("utf-8")
