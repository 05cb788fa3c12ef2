"""The cash forecast as at ``(as_at, known_at)``: the inputs are read with one SQL
aggregate per kind (the receivable cells, the dated settlements of the window's years, the
bank, reserve and State credit balances, the budgets in force, the spending plans in
force) and handed to the pure ``model``, which holds the method.

Where the figures come from:

- *History*: the receivable postings of the funds forecast, per State, fund and
  assessment year (``arrears.service.cells``): assessed, settled (receipts and credit
  applied, a reversal counted with what it undoes) and outstanding; the due date is the
  earliest of the year's assessment runs (1 January without one). The dated settlements
  of the window's years are the same postings summed per value date.
- *Opening cash*: the balance of each forecast fund's bank account.
- *Credits held*: each State's credit (the credit balance of its State credit, every
  fund), applied to its next assessments in the funds forecast.
- *Reserve*: what the reserve (fund ``WCF``) can advance: the cash it holds (its bank
  balance), never more than its balance (the credit balance of its reserve account);
  both are shown. Its money is held apart from the funds forecast.
- *Spending*: the fund-year's spending plan in force (latest version recorded by
  ``known_at``), else its budget in force as at ``as_at`` (the latest version adopted by
  then and recorded by ``known_at``; every line, funds carried over included)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Protocol

from sqlalchemy import BigInteger, Select, cast, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from finance_core.arrears.service import cells, percent, receivable_accounts, state_names
from finance_core.budgets.models import Budget, BudgetLineAmount, BudgetVersion
from finance_core.close.service import simulate
from finance_core.errors import ValidationFailed
from finance_core.forecast import model
from finance_core.forecast.models import SpendingPlan
from finance_core.forecast.schemas import (
    ExpectedOut,
    ForecastOut,
    HabitOut,
    MethodOut,
    MonthOut,
    ProjectionOut,
    ScenarioOut,
    SpendingYearOut,
)
from finance_core.funds.models import Fund, FundKind
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.money import format_minor, parse_minor
from finance_core.reserve.models import RESERVE_FUND

#: Entry types whose receivable postings settle an assessment (with their reversals).
SETTLING = ("receipt", "credit.applied")
MAX_MONTHS = 36
_PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")

Scenario = model.Scenario


class SurplusOutcome(Protocol):
    """What a surplus decision does, as a year-end close simulation gives it: credits per
    State (US cents) and the amount kept in the reserve (US cents)."""

    @property
    def name(self) -> str: ...

    @property
    def state_credits(self) -> Mapping[str, int]: ...

    @property
    def to_reserve_minor(self) -> int: ...


def scenarios_from_outcomes(outcomes: Iterable[SurplusOutcome]) -> list[Scenario]:
    """One forecast scenario per surplus outcome (its credits and transfer to the
    reserve)."""
    return [Scenario(o.name, dict(o.state_credits), int(o.to_reserve_minor)) for o in outcomes]


def parse_cents(text: str, *, field: str) -> int:
    """A US dollar amount of zero or more (digits, at most two decimals) as cents, else
    ValidationFailed naming ``field``."""
    value = text.strip()
    if not _PLAIN_AMOUNT.fullmatch(value):
        raise ValidationFailed(
            f"{text!r} is not a plain US dollar amount (digits, at most two decimals)",
            fields={field: "not a plain amount of zero or more"},
        )
    return parse_minor(value, field=field)


def surplus_scenarios(
    session: Session, *, fund: str, year: int, as_at: date, known_at: datetime | None = None
) -> list[Scenario]:
    """One scenario per alternative decision on a fund-year's surplus that can apply
    (``close.service.simulate`` as at ``(as_at, known_at)``): the credits it gives the
    States and what it puts in the reserve."""
    outcomes = simulate(session, fund=fund, year=year, as_at=as_at, known_at=known_at)
    return scenarios_from_outcomes(o for o in outcomes if o.feasible)


def assessed_funds(session: Session) -> list[str]:
    """The codes of the assessed funds (SEC, CSP, …)."""
    return [
        str(c)
        for c in session.execute(
            select(col(Fund.code))
            .where(col(Fund.kind) == FundKind.ASSESSED.value)
            .order_by(col(Fund.code))
        ).scalars()
    ]


def funds_in_scope(session: Session, fund: str | None) -> list[str]:
    """``[fund]`` if it is an assessed fund, every assessed fund for None, else
    ValidationFailed."""
    assessed = assessed_funds(session)
    if fund is None:
        return assessed
    if fund not in assessed:
        raise ValidationFailed(
            f"fund {fund} is not an assessed fund ({', '.join(assessed)}, or all of them)",
            fields={"fund": "not an assessed fund"},
        )
    return [fund]


# --- reading the inputs ----------------------------------------------------------------


def settlements_query(
    accounts: Sequence[int], *, as_at: date, known_at: datetime | None, years: range
) -> Select[str | None, str, int | None, date, int]:
    """Per State, fund, assessment year (within ``years``) and value date: the sum of the
    receivable postings of receipts and credit applied, reversals included (US cents,
    negative when they settle)."""
    p, e = LedgerPosting, JournalEntry
    original = aliased(JournalEntry)
    kind = func.coalesce(col(original.entry_type), col(e.entry_type))
    query = (
        select(
            col(p.state_code),
            col(p.fund_code),
            col(p.assessment_year),
            col(p.value_on),
            cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger),
        )
        .join(e, col(e.seq) == col(p.entry_seq))
        .outerjoin(original, col(original.seq) == col(e.reverses_seq))
        .where(
            col(p.account_id).in_(list(accounts)),
            col(p.value_on) <= as_at,
            col(p.assessment_year) >= years.start,
            col(p.assessment_year) < years.stop,
            kind.in_(SETTLING),
        )
        .group_by(col(p.state_code), col(p.fund_code), col(p.assessment_year), col(p.value_on))
    )
    if known_at is not None:
        query = query.where(col(p.recorded_at) <= known_at)
    return query


def histories(
    session: Session,
    *,
    funds: Sequence[str],
    as_at: date,
    known_at: datetime | None,
    method: model.Method,
) -> tuple[model.StateHistory, ...]:
    """Every State's assessments in ``funds`` as at ``(as_at, known_at)``, with the dated
    settlements of the window's years."""
    flows: dict[tuple[str, str, int], list[model.Settlement]] = defaultdict(list)
    query = settlements_query(
        receivable_accounts(session, funds),
        as_at=as_at,
        known_at=known_at,
        years=model.window(as_at, method),
    )
    for state, fund, year, on, amount in session.connection().execute(query):
        if state is not None and year is not None and amount:
            flows[(str(state), str(fund), int(year))].append(model.Settlement(on, -int(amount)))
    per_state: dict[str, list[model.Assessment]] = defaultdict(list)
    for c in cells(session, as_at=as_at, known_at=known_at, funds=funds):
        if c.year <= 0:
            continue
        per_state[c.state].append(
            model.Assessment(
                fund=c.fund,
                year=c.year,
                due_on=c.due_on,
                assessed=c.assessed,
                settled=c.paid + c.credited,
                outstanding=c.outstanding,
                settlements=tuple(flows.get((c.state, c.fund, c.year), ())),
            )
        )
    return tuple(
        model.StateHistory(state, tuple(items)) for state, items in sorted(per_state.items())
    )


def account_balances(
    session: Session, codes: Sequence[str], *, as_at: date, known_at: datetime | None
) -> tuple[dict[str, int], dict[str, int]]:
    """As at ``(as_at, known_at)``: the balances (US cents, debit positive) of the
    accounts ``codes`` (every code present), and the credit each State holds (the credit
    balance of its State credit, every fund; States holding one only)."""
    p, a = LedgerPosting, LedgerAccount
    credit = col(a.account_type) == AccountType.STATE_CREDIT.value
    query = (
        select(
            col(a.code),
            col(a.account_type),
            col(p.state_code),
            cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger),
        )
        .join(p, col(p.account_id) == col(a.id))
        .where(or_(col(a.code).in_(list(codes)), credit), col(p.value_on) <= as_at)
        .group_by(col(a.code), col(a.account_type), col(p.state_code))
    )
    if known_at is not None:
        query = query.where(col(p.recorded_at) <= known_at)
    found = dict.fromkeys(codes, 0)
    held: dict[str, int] = defaultdict(int)
    for code, kind, state, amount in session.execute(query):
        if str(code) in found:
            found[str(code)] += int(amount)
        if kind == AccountType.STATE_CREDIT.value and state is not None:
            held[str(state)] -= int(amount)
    return found, {s: c for s, c in sorted(held.items()) if c > 0}


def budgets_in_force(
    session: Session,
    *,
    funds: Sequence[str],
    as_at: date,
    known_at: datetime | None,
    last_year: int,
) -> dict[str, dict[int, int]]:
    """Per fund, year (up to ``last_year``) → the total (US cents) of the budget version
    in force as at ``as_at``: the latest adopted by then (and recorded by ``known_at``)."""
    v, b, lines = BudgetVersion, Budget, BudgetLineAmount
    query = (
        select(
            col(b.fund_code),
            col(b.year),
            col(v.version),
            cast(func.coalesce(func.sum(col(lines.amount_minor)), 0), BigInteger),
        )
        .join(v, col(v.budget_id) == col(b.id))
        .outerjoin(lines, col(lines.version_id) == col(v.id))
        .where(
            col(b.fund_code).in_(list(funds)),
            col(b.year) <= last_year,
            col(v.adopted_on) <= as_at,
        )
        .group_by(col(b.fund_code), col(b.year), col(v.version))
    )
    if known_at is not None:
        query = query.where(col(v.recorded_at) <= known_at)
    latest: dict[tuple[str, int], tuple[int, int]] = {}
    for fund, year, version, total in session.execute(query):
        key = (str(fund), int(year))
        if key not in latest or int(version) > latest[key][0]:
            latest[key] = (int(version), int(total))
    result: dict[str, dict[int, int]] = {f: {} for f in funds}
    for (fund, year), (_version, total) in latest.items():
        result[fund][year] = total
    return result


def plans_in_force(
    session: Session, *, funds: Sequence[str], years: Iterable[int], known_at: datetime | None
) -> dict[str, dict[int, tuple[int, ...]]]:
    """Per fund, year → the twelve monthly amounts (US cents) of the spending plan version
    in force as known at ``known_at`` (the latest recorded by then)."""
    s = SpendingPlan
    query = select(
        col(s.fund_code), col(s.year), col(s.version), col(s.month), col(s.amount_minor)
    ).where(col(s.fund_code).in_(list(funds)), col(s.year).in_(list(years)))
    if known_at is not None:
        query = query.where(col(s.recorded_at) <= known_at)
    versions: dict[tuple[str, int], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0] * model.MONTHS_IN_YEAR)
    )
    for fund, year, version, month, amount in session.execute(query):
        versions[(str(fund), int(year))][int(version)][int(month) - 1] = int(amount)
    result: dict[str, dict[int, tuple[int, ...]]] = {f: {} for f in funds}
    for (fund, year), found in versions.items():
        result[fund][year] = tuple(found[max(found)])
    return result


# --- the forecast ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CashForecast:
    """A forecast with the figures it was made from (US cents): the opening cash per fund,
    the reserve's balance and cash, the credit each State holds, each fund-year's
    spending, the floor."""

    as_at: date
    known_at: datetime | None
    funds: tuple[str, ...]
    method: model.Method
    floor: int
    opening_by_fund: dict[str, int]
    reserve_balance: int
    reserve_cash: int
    credits_held: dict[str, int]
    spending_years: dict[tuple[str, int], model.YearSpending]
    result: model.Result

    @property
    def baseline(self) -> model.Forecast:
        return self.result.forecasts[0]

    @property
    def opening_cash(self) -> int:
        return sum(self.opening_by_fund.values())

    @property
    def reserve_available(self) -> int:
        """What the reserve can advance: its cash, at most its balance, not below 0."""
        return reserve_available(self.reserve_balance, self.reserve_cash)


def reserve_available(balance: int, cash: int) -> int:
    """What the reserve can advance (US cents): the cash it holds, at most its balance."""
    return max(0, min(balance, cash))


def forecast(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    months: int = 12,
    fund: str | None = "SEC",
    scenarios: Sequence[Scenario] = (),
    floor_minor: int = 0,
    method: model.Method | None = None,
    surplus_year: int | None = None,
    surplus_fund: str | None = None,
) -> CashForecast:
    """The cash forecast of ``fund`` (None: every assessed fund together) for ``months``
    months after ``as_at``, as known at ``known_at``: the baseline and each scenario
    (see ``model`` for the method); with ``surplus_year``, also one scenario per
    alternative decision on that year's surplus of ``surplus_fund`` (default: ``fund``,
    SEC for every fund)."""
    method = method or model.Method()
    fields: dict[str, str] = {}
    if not 1 <= months <= MAX_MONTHS:
        fields["months"] = f"between 1 and {MAX_MONTHS}"
    if floor_minor < 0:
        fields["floor"] = "must not be negative"
    for s in scenarios:
        if s.to_reserve_minor < 0 or any(c < 0 for c in s.state_credits.values()):
            fields[f"scenarios.{s.name}"] = "credits and transfers must not be negative"
    ValidationFailed.raise_if(fields)
    funds = funds_in_scope(session, fund)
    if surplus_year is not None:
        surplus = funds_in_scope(session, surplus_fund or fund or "SEC")[0]
        found = surplus_scenarios(
            session, fund=surplus, year=surplus_year, as_at=as_at, known_at=known_at
        )
        scenarios = [*scenarios, *found]
    horizon = model.horizon(as_at, months)
    years = range(horizon[0].end.year, horizon[-1].end.year + 1)
    bank = {f: f"{f}.{AccountType.BANK.value}" for f in funds}
    reserve_account = f"{RESERVE_FUND}.{AccountType.RESERVE.value}"
    reserve_bank = f"{RESERVE_FUND}.{AccountType.BANK.value}"
    balances, held = account_balances(
        session, [*bank.values(), reserve_account, reserve_bank], as_at=as_at, known_at=known_at
    )
    budgets = budgets_in_force(
        session, funds=funds, as_at=as_at, known_at=known_at, last_year=years[-1]
    )
    plans = plans_in_force(session, funds=funds, years=years, known_at=known_at)
    spending_years = {
        (f, y): model.year_spending(y, budgets[f], plans[f]) for f in funds for y in years
    }
    spending = [0] * months
    for f in funds:
        per_year = {y: spending_years[(f, y)] for y in years}
        for k, amount in enumerate(model.monthly_spending(horizon, per_year)):
            spending[k] += amount
    opening = {f: balances[bank[f]] for f in funds}
    reserve_balance, reserve_cash = -balances[reserve_account], balances[reserve_bank]
    inputs = model.Inputs(
        as_at=as_at,
        months=months,
        histories=histories(session, funds=funds, as_at=as_at, known_at=known_at, method=method),
        spending=tuple(spending),
        opening_cash=sum(opening.values()),
        reserve=reserve_available(reserve_balance, reserve_cash),
        floor=floor_minor,
        credits=held,
    )
    return CashForecast(
        as_at=as_at,
        known_at=known_at,
        funds=tuple(funds),
        method=method,
        floor=floor_minor,
        opening_by_fund=opening,
        reserve_balance=reserve_balance,
        reserve_cash=reserve_cash,
        credits_held=held,
        spending_years=spending_years,
        result=model.forecast(inputs, method, scenarios),
    )


# --- the API shape ---------------------------------------------------------------------


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value)


def notes(report: CashForecast) -> list[str]:
    """One sentence per assumption the forecast makes beyond the recorded figures."""
    found: list[str] = []
    first = report.result.months[0]
    if first.partial:
        found.append(
            f"Month 1 ({first.label}) covers {first.start} to {first.end}, {first.days} of "
            f"{first.days_in_month} days: its planned spending is pro rata."
        )
    for p in report.result.projections.values():
        years = ", ".join(str(y) for y in p.years)
        found.append(
            f"{p.fund} {years}: not assessed as at {report.as_at}; each State is assumed to "
            f"be assessed as for {p.base_year}, due on the same day of the year."
        )
    for (fund, year), s in sorted(report.spending_years.items()):
        if s.source is model.SpendingSource.ASSUMED_BUDGET:
            found.append(
                f"{fund} {year}: no budget in force as at {report.as_at}; the {s.budget_year} "
                "budget is assumed, spent evenly."
            )
        elif s.source is model.SpendingSource.NONE:
            found.append(f"{fund} {year}: no budget or spending plan; no spending is planned.")
    if report.credits_held:
        found.append(
            f"{len(report.credits_held)} State(s) hold credits of "
            f"{format_minor(sum(report.credits_held.values()))} USD in all, applied to their "
            "next assessments."
        )
    borrowed = [h for h in report.result.habits.values() if h.share_basis is not model.Basis.OWN]
    if borrowed:
        found.append(
            f"{len(borrowed)} State(s) without assessments in the window "
            f"({report.method.window_years} years) take the "
            f"{'median State' if borrowed[0].share_basis is model.Basis.MEDIAN else 'default'}"
            f"'s share and delay."
        )
    return found


def _month_label(months: Sequence[model.Month], index: int | None) -> str | None:
    return months[index - 1].label if index is not None else None


def scenario_out(forecast: model.Forecast, months: Sequence[model.Month]) -> ScenarioOut:
    """One scenario's forecast as the API shows it."""
    first = forecast.first_draw
    return ScenarioOut(
        name=forecast.scenario.name,
        state_credits={
            s: format_minor(c) for s, c in sorted(forecast.scenario.state_credits.items())
        },
        to_reserve=format_minor(forecast.scenario.to_reserve_minor),
        opening_cash=format_minor(forecast.opening_cash),
        reserve=format_minor(forecast.reserve),
        receipts=format_minor(forecast.receipts),
        after_horizon=format_minor(forecast.after_horizon),
        spending=format_minor(forecast.spending),
        drawn=format_minor(forecast.drawn),
        first_draw_month=first.month.label if first else None,
        largest_shortfall=format_minor(forecast.largest_shortfall),
        lowest_cash=format_minor(forecast.lowest_cash),
        unused_credits={s: format_minor(c) for s, c in forecast.unused_credits.items()},
        months=[
            MonthOut(
                month=m.month.label,
                start=m.month.start,
                end=m.month.end,
                opening_cash=format_minor(m.opening),
                receipts=format_minor(m.receipts),
                spending=format_minor(m.spending),
                closing_before_draw=format_minor(m.closing_before_draw),
                draw=format_minor(m.draw),
                closing_after_draw=format_minor(m.closing_after_draw),
                reserve_after=format_minor(m.reserve_after),
                shortfall=format_minor(m.shortfall),
            )
            for m in forecast.months
        ],
        expected=[
            ExpectedOut(
                state_code=e.state,
                fund=e.fund,
                assessment_year=e.year,
                due_on=e.due_on,
                arrives_on=e.arrives_on,
                month=_month_label(months, e.month),
                amount=format_minor(e.amount),
                projected=e.projected,
                credit=format_minor(e.credit),
            )
            for e in forecast.expected
        ],
    )


def forecast_out(session: Session, report: CashForecast) -> ForecastOut:
    """The forecast as the API shows it."""
    names = state_names(session)
    window = model.window(report.as_at, report.method)
    months = report.result.months
    return ForecastOut(
        as_at=report.as_at,
        known_at=report.known_at,
        funds=list(report.funds),
        months=len(months),
        opening_cash=format_minor(report.opening_cash),
        opening_cash_by_fund={f: format_minor(a) for f, a in report.opening_by_fund.items()},
        reserve_fund=RESERVE_FUND,
        reserve_balance=format_minor(report.reserve_balance),
        reserve_cash=format_minor(report.reserve_cash),
        reserve_available=format_minor(report.reserve_available),
        credits_held={s: format_minor(c) for s, c in report.credits_held.items()},
        method=MethodOut(
            window_years=report.method.window_years,
            window_first_year=window.start,
            window_last_year=window.stop - 1,
            settled_fraction=_fraction(report.method.settled_fraction),
            default_share=percent(report.method.default_share) or "0.00",
            default_delay_days=report.method.default_delay_days,
            floor=format_minor(report.floor),
        ),
        habits=[
            HabitOut(
                state_code=h.state,
                state_name=names.get(h.state, h.state),
                share=percent(h.share) or "0.00",
                delay_days=h.delay_days,
                share_basis=h.share_basis.value,
                delay_basis=h.delay_basis.value,
                window_assessed=format_minor(h.window_assessed),
                window_settled=format_minor(h.window_settled),
                window_delays=list(h.delays),
            )
            for h in report.result.habits.values()
        ],
        spending_years=[
            SpendingYearOut(
                fund=fund,
                year=year,
                source=s.source.value,
                budget_year=s.budget_year,
                total=format_minor(s.total),
                months=[format_minor(a) for a in s.months],
            )
            for (fund, year), s in sorted(report.spending_years.items())
        ],
        projections=[
            ProjectionOut(fund=p.fund, base_year=p.base_year, years=list(p.years))
            for p in report.result.projections.values()
        ],
        notes=notes(report),
        scenarios=[scenario_out(f, months) for f in report.result.forecasts],
    )
