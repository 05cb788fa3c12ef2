"""Assessment runs: from a budget in force, its methodology and its payers to what each
State owes, stored and posted to the ledger (receivable against assessed revenue).

A budget is assessed once (``initial``). A second run is refused, except:

- ``revision``: the version in force changed; the base payers are re-apportioned on the
  new amount and only the differences are posted;
- ``supplementary``: a State that joined during the year is assessed its share (pro rata
  by the methodology); the others' amounts stay unchanged;
- ``csp_reassessment``: the CSP budget re-apportioned on the States actually registered
  for that year's CSP; only the differences are posted.

Amounts are US cents; every run stores each State's cumulative amount and what the run
posted, and ``explain`` recomputes a stored figure from the methodology and inputs.

A run locks its budget's row first (two runs of one budget queue, so the second sees the
first and is refused or builds on it), then the States whose amounts rise (the credit
they hold is applied to them after the posting), then the ledger's chain head."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import insert, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.assessments import methodology as methodologies
from finance_core.assessments.apportion import (
    ApportionError,
    Apportionment,
    Participant,
    Rules,
    apportion,
    to_decimal,
)
from finance_core.assessments.models import (
    AssessmentLine,
    AssessmentRun,
    DueRule,
    MethodologyVersion,
    Payers,
    ProRata,
    RunKind,
)
from finance_core.audit import service as audit
from finance_core.budgets import service as budgets
from finance_core.budgets.models import Budget
from finance_core.conferences.models import Conference
from finance_core.conferences.service import payers as registered_for
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.funds.service import account_code
from finance_core.ledger.models import AccountType
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.payments.credits import apply_credits_after_assessment
from finance_core.payments.service import lock_states
from finance_core.states import service as states
from finance_core.states.membership import Status
from finance_core.states.models import LdcPeriod, MembershipEvent, ScaleRate

#: Decimals kept of stored adjusted rates (percent).
RATE_DECIMALS = 12


@dataclass(frozen=True, slots=True)
class Basis:
    """Everything a run's apportionment depends on."""

    budget: Budget
    version: budgets.VersionFigures
    methodology: MethodologyVersion
    scale_code: str
    payers_as_at: date


def _unit_minor(methodology: MethodologyVersion) -> int:
    """The rounding unit in cents (100 for whole dollars, 1 for cents)."""
    return int(Decimal(methodology.rounding_unit) * 100)


def _scale_for(session: Session, year: int) -> tuple[str, dict[str, Decimal]]:
    rows = (
        session.execute(
            select(ScaleRate).where(
                col(ScaleRate.first_year) <= year, col(ScaleRate.last_year) >= year
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        raise RuleViolation(f"no scale of assessments covers {year}")
    return rows[0].scale_code, {r.state_code: Decimal(r.rate_percent) for r in rows}


def _ldcs(session: Session, day: date) -> set[str]:
    return set(
        session.execute(
            select(col(LdcPeriod.state_code)).where(
                col(LdcPeriod.from_on) <= day,
                col(LdcPeriod.to_on).is_(None) | (col(LdcPeriod.to_on) > day),
            )
        ).scalars()
    )


def payers_of(session: Session, basis: Basis, rule: Payers) -> list[str]:
    """Codes of the States that pay under ``rule`` for the basis's budget."""
    if rule is Payers.CSP_REGISTERED:
        year = basis.budget.year
        number = session.execute(
            select(col(Conference.number)).where(
                col(Conference.start_on) >= date(year, 1, 1),
                col(Conference.start_on) <= date(year, 12, 31),
            )
        ).scalar()
        if number is None:
            raise RuleViolation(f"no CSP is recorded in {year}: nobody is registered to pay")
        codes = registered_for(session, int(number))
        if not codes:
            raise RuleViolation(f"no State is registered for CSP{number}")
        return codes
    statuses = states.statuses_on(session, basis.payers_as_at)
    wanted = {Status.STATE_PARTY}
    if rule is Payers.PARTIES_AND_SIGNATORIES:
        wanted.add(Status.SIGNATORY)
    return sorted(code for code, status in statuses.items() if status in wanted)


def basis_for(session: Session, budget: Budget, as_at: date) -> Basis:
    """The budget version in force on ``as_at``, its methodology and scale."""
    assert budget.id is not None
    version = budgets.in_force(session, budget.id, as_at)
    if version is None:
        raise RuleViolation(
            f"the {budget.year} budget of fund {budget.fund_code} is not adopted by {as_at}"
        )
    methodology = methodologies.for_budget(session, fund_code=budget.fund_code, year=budget.year)
    scale_code, _ = _scale_for(session, budget.year - methodology.scale_lag_years)
    payers_as_at = date(budget.year, methodology.payers_as_at_month, methodology.payers_as_at_day)
    return Basis(budget, version, methodology, scale_code, payers_as_at)


def apportion_basis(session: Session, basis: Basis, payers: list[str]) -> Apportionment:
    """Apportion the basis's amount to assess among ``payers`` (pure engine underneath)."""
    m = basis.methodology
    _, rates = _scale_for(session, basis.budget.year - m.scale_lag_years)
    fixed = methodologies.fixed_shares(m)
    ldcs = _ldcs(session, basis.payers_as_at)
    missing = [c for c in payers if c not in rates and c not in fixed]
    if missing:
        raise RuleViolation(
            f"no rate on the {basis.scale_code} scale for {', '.join(missing)}: "
            "record a notional rate or a fixed share",
        )
    participants = [
        Participant(code, fixed_share=fixed[code])
        if code in fixed
        else Participant(code, un_rate=rates[code], ldc=code in ldcs)
        for code in payers
    ]
    unit = Decimal(m.rounding_unit)
    amount = Decimal(basis.version.to_assess_minor) / 100
    if amount % unit:
        raise RuleViolation(
            f"the amount to assess ({amount}) is not a whole number of the methodology's "
            f"rounding unit ({unit})"
        )
    rules = Rules(
        ceiling=m.ceiling, ldc_cap=m.ldc_cap, floor_rate=m.floor_rate, floor_amount=m.floor_amount
    )
    try:
        return apportion(amount, participants, rules, unit)
    except ApportionError as exc:
        raise ValidationFailed(str(exc), fields=exc.fields) from exc


def _lock_budget(session: Session, budget_id: int) -> None:
    """Hold the budget's row until commit: runs of one budget happen one after another."""
    session.execute(
        select(col(Budget.id)).where(col(Budget.id) == budget_id).with_for_update(key_share=True)
    ).all()


def _due_on(m: MethodologyVersion, year: int, run_on: date) -> date:
    if m.due_rule == DueRule.DAYS_AFTER_NOTICE:
        return run_on + timedelta(days=m.due_days or 0)
    return date(year, m.due_month or 1, m.due_day or 1)


def _latest_lines(
    session: Session, budget_id: int
) -> tuple[AssessmentRun | None, dict[str, AssessmentLine]]:
    run = session.execute(
        select(AssessmentRun)
        .where(col(AssessmentRun.budget_id) == budget_id)
        .order_by(col(AssessmentRun.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if run is None:
        return None, {}
    lines = session.execute(
        select(AssessmentLine).where(col(AssessmentLine.run_id) == run.id)
    ).scalars()
    return run, {line.state_code: line for line in lines}


def _runs(session: Session, budget_id: int) -> list[AssessmentRun]:
    return list(
        session.execute(
            select(AssessmentRun)
            .where(col(AssessmentRun.budget_id) == budget_id)
            .order_by(col(AssessmentRun.id))
        ).scalars()
    )


@dataclass(frozen=True, slots=True)
class _Figure:
    amount_minor: int
    un_rate: Decimal | None
    rate: Decimal
    limit: str | None
    pro_rata: Decimal

    @classmethod
    def kept(cls, line: AssessmentLine) -> _Figure:
        """A stored line carried unchanged into a new run."""
        return cls(line.amount_minor, line.un_rate, line.rate, line.limit, line.pro_rata)


def _figures(result: Apportionment, unit_minor: int) -> dict[str, _Figure]:
    return {
        s.code: _Figure(
            s.amount_units * unit_minor,
            s.un_rate,
            s.rate_decimal(RATE_DECIMALS),
            s.limit.value if s.limit else None,
            Decimal(1),
        )
        for s in result.shares
    }


def _store(
    session: Session,
    *,
    actor: Actor,
    basis: Basis,
    kind: RunKind,
    run_on: date,
    figures: dict[str, _Figure],
    previous: dict[str, AssessmentLine],
    supplementary_state: str | None = None,
    recorded_at: datetime | None = None,
) -> AssessmentRun:
    """Store the run and its lines (cumulative amounts) and post the differences.

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    budget = basis.budget
    deltas = {
        code: figures[code].amount_minor - (previous[code].amount_minor if code in previous else 0)
        for code in figures
    }
    for code, line in previous.items():  # States no longer assessed fall back to zero
        if code not in figures:
            deltas[code] = -line.amount_minor
    run = AssessmentRun(
        budget_id=budget.id,  # type: ignore[arg-type]
        budget_version_id=basis.version.version.id,  # type: ignore[arg-type]
        methodology_id=basis.methodology.id,  # type: ignore[arg-type]
        kind=kind,
        run_on=run_on,
        payers_as_at=basis.payers_as_at,
        due_on=_due_on(basis.methodology, budget.year, run_on),
        scale_code=basis.scale_code,
        amount_minor=sum(f.amount_minor for f in figures.values()),
        posted_minor=sum(deltas.values()),
        supplementary_state=supplementary_state,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        run.recorded_at = recorded_at
    raised = [code for code, delta in deltas.items() if delta > 0]
    lock_states(session, raised)  # before the chain head: their credit is applied below
    postings: list[PostingSpec] = []
    receivable = account_code(budget.fund_code, AccountType.RECEIVABLE)
    revenue = account_code(budget.fund_code, AccountType.ASSESSED_REVENUE)
    for code in sorted(deltas):
        if deltas[code]:
            postings.append(PostingSpec(receivable, deltas[code], code, budget.year))
            postings.append(PostingSpec(revenue, -deltas[code], code, budget.year))
    if postings:
        entry = post_entry(
            session,
            actor=actor,
            value_on=run_on,
            entry_type=f"assessment.{kind.value}",
            description=f"{kind.value.replace('_', ' ').capitalize()} assessment of the "
            f"{budget.year} {budget.fund_code} budget ({basis.version.version.decision_symbol})",
            source_ref=basis.version.version.decision_symbol,
            postings=postings,
            recorded_at=recorded_at,
        )
        run.entry_seq = entry.seq
    session.add(run)
    session.flush()
    assert run.id is not None
    lines = []
    for code in sorted(set(figures) | set(previous)):
        f = figures.get(code)
        lines.append(
            {
                "run_id": run.id,
                "state_code": code,
                "un_rate": f.un_rate if f else None,
                "rate": f.rate if f else Decimal(0),
                "limit": f.limit if f else None,
                "pro_rata": f.pro_rata if f else Decimal(0),
                "amount_minor": f.amount_minor if f else 0,
                "delta_minor": deltas.get(code, 0),
            }
        )
    if lines:  # one bulk INSERT
        session.execute(insert(AssessmentLine), lines)
    audit.record(
        session,
        actor=actor,
        action=f"assessments.{kind.value}",
        object_type="budget",
        object_id=f"{budget.fund_code}/{budget.year}",
        detail={"run": run.id, "posted_minor": run.posted_minor, "entry": run.entry_seq},
        occurred_at=recorded_at,
    )
    apply_credits_after_assessment(
        session, actor=actor, state_codes=raised, value_on=run_on, recorded_at=recorded_at
    )
    return run


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """A State's figures in a run not yet recorded (US cents; rates in percent)."""

    state_code: str
    un_rate: Decimal | None
    rate: Decimal
    limit: str | None
    amount_minor: int
    delta_minor: int


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What ``assess`` would record for a budget on a day: its kind, basis and figures.

    Computed without writing anything (the web interface's preview); ``assess`` stores
    exactly this plan."""

    basis: Basis
    kind: RunKind
    run_on: date
    figures: dict[str, _Figure]
    previous: dict[str, AssessmentLine]

    @property
    def due_on(self) -> date:
        return _due_on(self.basis.methodology, self.basis.budget.year, self.run_on)

    @property
    def amount_minor(self) -> int:
        """The total assessed after the run."""
        return sum(f.amount_minor for f in self.figures.values())

    @property
    def posted_minor(self) -> int:
        """What the run would add to the receivables (differences after a first run)."""
        return sum(line.delta_minor for line in self.lines())

    def lines(self) -> list[PlannedLine]:
        """Each State's figures, by code (a State no longer assessed falls back to zero)."""
        result = []
        for code in sorted(set(self.figures) | set(self.previous)):
            f = self.figures.get(code)
            before = self.previous[code].amount_minor if code in self.previous else 0
            amount = f.amount_minor if f else 0
            result.append(
                PlannedLine(
                    state_code=code,
                    un_rate=f.un_rate if f else None,
                    rate=f.rate if f else Decimal(0),
                    limit=f.limit if f else None,
                    amount_minor=amount,
                    delta_minor=amount - before,
                )
            )
        return result


def plan_run(session: Session, *, budget_id: int, run_on: date) -> RunPlan:
    """What assessing a budget on ``run_on`` would record (first run, or a revision's
    differences); writes nothing. Raises as ``assess`` does (409 if already assessed)."""
    budget = budgets.get_budget(session, budget_id)
    basis = basis_for(session, budget, run_on)
    last, previous = _latest_lines(session, budget_id)
    if last is None:
        kind = RunKind.INITIAL
    elif last.budget_version_id != basis.version.version.id:
        kind = RunKind.REVISION
    else:
        raise Conflict(
            f"the {budget.year} {budget.fund_code} budget is already assessed (run {last.id}); "
            "a further run needs a revision, a supplementary assessment or a CSP re-assessment"
        )
    if last is not None and last.run_on > run_on:
        raise RuleViolation(f"a run cannot be dated before the previous one ({last.run_on})")
    rule = Payers(basis.methodology.payers)
    if kind is RunKind.REVISION and any(
        r.kind == RunKind.CSP_REASSESSMENT for r in _runs(session, budget_id)
    ):
        rule = Payers(basis.methodology.reassessment_payers or rule)
    base = payers_of(session, basis, rule)
    figures = _figures(apportion_basis(session, basis, base), _unit_minor(basis.methodology))
    for code, line in previous.items():  # supplementary States keep their amounts
        if code not in figures and line.amount_minor and _joined_later(session, budget_id, code):
            figures[code] = _Figure.kept(line)
    return RunPlan(basis, kind, run_on, figures, previous)


def assess(
    session: Session,
    *,
    actor: Actor,
    budget_id: int,
    run_on: date,
    recorded_at: datetime | None = None,
) -> AssessmentRun:
    """Assess a budget (first run), or post a revision's differences; else 409."""
    _lock_budget(session, budget_id)
    plan = plan_run(session, budget_id=budget_id, run_on=run_on)
    return _store(
        session,
        actor=actor,
        basis=plan.basis,
        kind=plan.kind,
        run_on=run_on,
        figures=plan.figures,
        previous=plan.previous,
        recorded_at=recorded_at,
    )


def _reassessed_before(session: Session, run: AssessmentRun) -> bool:
    return any(
        r.kind == RunKind.CSP_REASSESSMENT and (r.id or 0) < (run.id or 0)
        for r in _runs(session, run.budget_id)
    )


def _joined_later(session: Session, budget_id: int, code: str) -> bool:
    return any(
        r.kind == RunKind.SUPPLEMENTARY and r.supplementary_state == code
        for r in _runs(session, budget_id)
    )


def pro_rata_factor(rule: ProRata, joined_on: date, year: int) -> Fraction:
    """The share of ``year`` assessed to a State that became a payer on ``joined_on``."""
    if joined_on.year < year:
        return Fraction(1)
    if rule is ProRata.FULL_YEAR:
        return Fraction(1)
    if rule is ProRata.NEXT_YEAR:
        return Fraction(0)
    if rule is ProRata.DAYS:
        days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        return Fraction((date(year, 12, 31) - joined_on).days + 1, days_in_year)
    # MONTHS: whole months from the first of the month after joining (or that month when
    # joining on its first day).
    first_month = joined_on.month if joined_on.day == 1 else joined_on.month + 1
    return Fraction(max(0, 13 - first_month), 12)


def _supplementary_figure(session: Session, basis: Basis, assessed: set[str], code: str) -> _Figure:
    """A joining State's figure: its share as if it had been assessed with the States
    already assessed, for the part of the year it is a Party (methodology's pro rata)."""
    year = basis.budget.year
    joined = session.execute(
        select(col(MembershipEvent.effective_on)).where(
            col(MembershipEvent.state_code) == code,
            col(MembershipEvent.event_type) == "deposit",
            col(MembershipEvent.effective_on) > basis.payers_as_at,
            col(MembershipEvent.effective_on) <= date(year, 12, 31),
        )
    ).scalar()
    if joined is None:
        raise RuleViolation(
            f"{code} did not become a State Party during {year} (after {basis.payers_as_at})"
        )
    factor = pro_rata_factor(ProRata(basis.methodology.pro_rata), joined, year)
    if factor == 0:
        raise RuleViolation(f"under this methodology {code} is assessed from {year + 1}")
    shares = apportion_basis(session, basis, sorted(assessed | {code})).shares
    share = next(s for s in shares if s.code == code)
    units = int(to_decimal(share.exact_units * factor, 0))
    return _Figure(
        units * _unit_minor(basis.methodology),
        share.un_rate,
        share.rate_decimal(RATE_DECIMALS),
        share.limit.value if share.limit else None,
        to_decimal(factor, RATE_DECIMALS),
    )


def _basis_of_run(session: Session, run: AssessmentRun) -> Basis:
    """The basis a stored run was computed on (its own budget version)."""
    budget = budgets.get_budget(session, run.budget_id)
    basis = basis_for(session, budget, run.run_on)
    version = next(
        v for v in budgets.versions(session, run.budget_id) if v.version.id == run.budget_version_id
    )
    return Basis(budget, version, basis.methodology, basis.scale_code, basis.payers_as_at)


def assess_supplementary(
    session: Session,
    *,
    actor: Actor,
    budget_id: int,
    state_code: str,
    run_on: date,
    recorded_at: datetime | None = None,
) -> AssessmentRun:
    """Assess a State that became a payer during the budget year; others unchanged."""
    _lock_budget(session, budget_id)
    budget = budgets.get_budget(session, budget_id)
    last, previous = _latest_lines(session, budget_id)
    if last is None:
        raise RuleViolation("assess the budget before any supplementary assessment")
    code = states.get_state(session, state_code).code
    if code in previous and previous[code].amount_minor:
        raise Conflict(
            f"{code} is already assessed for the {budget.year} {budget.fund_code} budget"
        )
    basis = basis_for(session, budget, run_on)
    if Payers(basis.methodology.payers) is Payers.CSP_REGISTERED:
        raise RuleViolation("the CSP budget follows registrations: use a CSP re-assessment")
    figures = {c: _Figure.kept(line) for c, line in previous.items()}
    assessed = {c for c, line in previous.items() if line.amount_minor}
    figures[code] = _supplementary_figure(session, basis, assessed, code)
    return _store(
        session,
        actor=actor,
        basis=basis,
        kind=RunKind.SUPPLEMENTARY,
        run_on=run_on,
        figures=figures,
        previous=previous,
        supplementary_state=code,
        recorded_at=recorded_at,
    )


def reassess_csp(
    session: Session,
    *,
    actor: Actor,
    budget_id: int,
    run_on: date,
    recorded_at: datetime | None = None,
) -> AssessmentRun:
    """Re-apportion a CSP budget on the States registered for that year's CSP."""
    _lock_budget(session, budget_id)
    budget = budgets.get_budget(session, budget_id)
    last, previous = _latest_lines(session, budget_id)
    if last is None:
        raise RuleViolation("assess the budget before re-assessing it")
    basis = basis_for(session, budget, run_on)
    rule = basis.methodology.reassessment_payers
    if rule is None:
        raise RuleViolation(f"the methodology of fund {budget.fund_code} has no re-assessment")
    if any(r.kind == RunKind.CSP_REASSESSMENT for r in _runs(session, budget_id)):
        raise Conflict(f"the {budget.year} {budget.fund_code} budget was already re-assessed")
    payers = payers_of(session, basis, Payers(rule))
    figures = _figures(apportion_basis(session, basis, payers), _unit_minor(basis.methodology))
    return _store(
        session,
        actor=actor,
        basis=basis,
        kind=RunKind.CSP_REASSESSMENT,
        run_on=run_on,
        figures=figures,
        previous=previous,
        recorded_at=recorded_at,
    )


def get_run(session: Session, run_id: int) -> tuple[AssessmentRun, list[AssessmentLine]]:
    """A run and its lines (by State)."""
    run = session.get(AssessmentRun, run_id)
    if run is None:
        raise NotFound(f"assessment run {run_id} does not exist")
    lines = session.execute(
        select(AssessmentLine)
        .where(col(AssessmentLine.run_id) == run_id)
        .order_by(col(AssessmentLine.state_code))
    ).scalars()
    return run, list(lines)


def list_runs(session: Session, *, budget_id: int | None = None) -> list[AssessmentRun]:
    """Runs, newest first."""
    query = select(AssessmentRun).order_by(col(AssessmentRun.id).desc())
    if budget_id is not None:
        query = query.where(col(AssessmentRun.budget_id) == budget_id)
    return list(session.execute(query).scalars())


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a State's stored amount follows from the methodology and inputs."""

    state_code: str
    run_id: int
    kind: str
    amount_to_assess_minor: int
    scale_code: str
    un_rate: Decimal | None
    ldc: bool
    rate: Decimal
    limit: str | None
    pro_rata: Decimal
    stored_minor: int
    recomputed_minor: int
    posted_minor: int

    @property
    def matches(self) -> bool:
        return self.stored_minor == self.recomputed_minor


def explain(session: Session, *, run_id: int, state_code: str) -> Explanation:
    """Recompute a State's amount in a run from the methodology and inputs."""
    run, lines = get_run(session, run_id)
    line = next((x for x in lines if x.state_code == state_code.upper()), None)
    if line is None:
        raise NotFound(f"{state_code} is not assessed in run {run_id}")
    basis = _basis_of_run(session, run)
    code = line.state_code
    joined_in = next(
        (
            r
            for r in _runs(session, run.budget_id)
            if r.kind == RunKind.SUPPLEMENTARY
            and r.supplementary_state == code
            and (r.id or 0) <= (run.id or 0)
        ),
        None,
    )
    if joined_in is not None:
        # Assessed by a supplementary run: recomputed on that run's basis and States.
        _, then = get_run(session, joined_in.id or 0)
        assessed = {x.state_code for x in then if x.amount_minor and x.state_code != code}
        recomputed = _supplementary_figure(
            session, _basis_of_run(session, joined_in), assessed, code
        ).amount_minor
    else:
        rule = Payers(basis.methodology.payers)
        if run.kind == RunKind.CSP_REASSESSMENT or (
            run.kind == RunKind.REVISION and _reassessed_before(session, run)
        ):
            rule = Payers(basis.methodology.reassessment_payers or rule)
        shares = {
            s.code: s
            for s in apportion_basis(session, basis, payers_of(session, basis, rule)).shares
        }
        recomputed = (
            shares[code].amount_units * _unit_minor(basis.methodology) if code in shares else 0
        )
    return Explanation(
        state_code=code,
        run_id=run_id,
        kind=run.kind,
        amount_to_assess_minor=basis.version.to_assess_minor,
        scale_code=run.scale_code,
        un_rate=line.un_rate,
        ldc=code in _ldcs(session, run.payers_as_at),
        rate=line.rate,
        limit=line.limit,
        pro_rata=line.pro_rata,
        stored_minor=line.amount_minor,
        recomputed_minor=recomputed,
        posted_minor=line.delta_minor,
    )
