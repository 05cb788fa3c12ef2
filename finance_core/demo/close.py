"""The demo's reserve and year-end closes: voluntary contributions to the Working Capital
Fund (2016–2017), the Secretariat and CSP years 2015–2024 closed by two finance officers
early in the following year, the CSP's decision on each surplus at its next session
(credited to the States pro rata or only to those that had paid in full, put in the
reserve, or split), surplus transfers paid over when the fund has the cash, and
draw-downs approved by the Management Committee (one replenished in 2019, one still
outstanding in 2026), and the target rule the CSP set in 2022 (three months of planned
spending). Amounts follow the demo ledger; references are illustrative.

The demo records its assessments before its surpluses are decided on, so a State's credit
from a surplus was not applied when its next assessment posted: as for the credits of the
payment history, an officer applies what is left on the demo date.

Closing a year refuses every later posting dated in it: this loader runs after every
loader that posts into 2015–2024."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.close import service as close
from finance_core.close.models import CloseStatus
from finance_core.close.schemas import PartIn, SurplusDecisionIn
from finance_core.close.surplus import CreditRule
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.errors import RuleViolation
from finance_core.money import format_minor
from finance_core.payments import credits
from finance_core.reserve import service as reserve
from finance_core.reserve.models import MovementKind, TargetBasis
from finance_core.reserve.schemas import MovementIn, TargetRuleIn

FIRST_YEAR, LAST_YEAR = 2015, 2024
FUNDS = ("SEC", "CSP")

#: The two finance officers of the maker-checker close (demo users, see ``dataset``).
MAKER, CHECKER = "demo-officer", "demo-officer-2"

#: What the CSP decided on each surplus: (option, credit rule, part to the States,
#: part to the reserve); a part is ("percent", "50") or ("quarter", "") for a quarter of
#: the surplus in whole thousands of dollars, given as an amount.
DECISIONS: dict[
    tuple[str, int], tuple[str, CreditRule, tuple[str, str] | None, tuple[str, str] | None]
] = {
    ("SEC", 2015): ("to_reserve", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("SEC", 2016): ("split", CreditRule.PRO_RATA_ASSESSED, ("percent", "75"), None),
    ("SEC", 2017): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("SEC", 2018): ("to_reserve", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("SEC", 2019): ("credit_states", CreditRule.PAID_IN_FULL_ONLY, None, None),
    ("SEC", 2020): ("split", CreditRule.PRO_RATA_ASSESSED, None, ("quarter", "")),
    ("SEC", 2021): ("credit_states", CreditRule.PAID_IN_FULL_ONLY, None, None),
    ("SEC", 2022): ("split", CreditRule.PAID_IN_FULL_ONLY, ("percent", "40"), ("percent", "40")),
    ("SEC", 2023): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("SEC", 2024): ("split", CreditRule.PRO_RATA_ASSESSED, None, ("percent", "50")),
    ("CSP", 2015): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2016): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2017): ("credit_states", CreditRule.PAID_IN_FULL_ONLY, None, None),
    ("CSP", 2018): ("split", CreditRule.PRO_RATA_ASSESSED, ("percent", "50"), None),
    ("CSP", 2019): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2020): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2021): ("credit_states", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2022): ("credit_states", CreditRule.PAID_IN_FULL_ONLY, None, None),
    ("CSP", 2023): ("to_reserve", CreditRule.PRO_RATA_ASSESSED, None, None),
    ("CSP", 2024): ("split", CreditRule.PAID_IN_FULL_ONLY, None, ("percent", "30")),
}

#: Voluntary contributions to the reserve: date, State or donor, US dollars, reference.
CONTRIBUTIONS = (
    (date(2016, 3, 15), "DEU", None, 100_000, "DEMO-WCF-DEU-2016"),
    (date(2016, 4, 20), "NOR", None, 60_000, "DEMO-WCF-NOR-2016"),
    (date(2017, 2, 14), None, "Flanders (Belgium)", 25_000, "DEMO-WCF-FLANDERS-2017"),
)

#: The target the CSP set for the reserve in 2022 (before it, the default of the migrations).
TARGET_RULE = TargetRuleIn(
    effective_from=date(2022, 8, 26),
    basis=TargetBasis.MONTHS_OF_SPENDING,
    months="3",
    budget_funds=["SEC", "CSP"],
    reference="ATT/CSP8/2022/CONF/DEC.WCF (illustrative): the Working Capital Fund to hold "
    "three months of the planned spending of the Secretariat and CSP budgets",
)

#: Draw-downs: date, US dollars wanted, the approval, and the date it is paid back (None:
#: still outstanding on the demo date).
DRAW_DOWNS = (
    (
        date(2019, 2, 1),
        200_000,
        "ATT/MC/2019/02 (illustrative): the Management Committee approves a draw-down to "
        "pay the Secretariat until the 2019 contributions arrive",
        date(2019, 7, 15),
    ),
    (
        date(2026, 2, 2),
        100_000,
        "ATT/MC/2026/01 (illustrative): draw-down approved for the first quarter of 2026",
        None,
    ),
)


@dataclass(frozen=True, slots=True)
class DemoClose:
    """What was loaded."""

    closes: int
    decisions: int
    movements: int


def _csp_end(year: int) -> tuple[int, date] | None:
    for c in dataset.CONFERENCES:
        if c.start_on.year == year:
            return c.number, c.end_on
    return None


def _part(spec: tuple[str, str] | None, surplus_minor: int) -> PartIn | None:
    if spec is None:
        return None
    kind, value = spec
    if kind == "percent":
        return PartIn(percent=value)
    quarter = surplus_minor // 4 // 100_000 * 100_000  # whole thousands of dollars
    return PartIn(amount=format_minor(quarter))


def load_close(session: Session, *, actor: Actor) -> DemoClose:
    """Record the demo reserve history, closes and surplus decisions (the caller commits)."""
    maker = Actor(name=MAKER, origin=actor.origin)
    checker = Actor(name=CHECKER, origin=actor.origin)
    limit = min(dataset.DEMO_DATE, utctoday())
    counts = {"closes": 0, "decisions": 0, "movements": 0}
    rule = reserve.adopt_rule(session, actor=maker, data=TARGET_RULE)
    rule.recorded_at = dataset.recorded_at(TARGET_RULE.effective_from)

    def move(kind: MovementKind, on: date, amount_minor: int, reference: str, **kw: str) -> None:
        reserve.record_movement(
            session,
            actor=maker,
            data=MovementIn(
                kind=kind, value_on=on, amount=format_minor(amount_minor), reference=reference, **kw
            ),
            recorded_at=dataset.recorded_at(on),
        )
        counts["movements"] += 1

    def decide(fund: str, year: int) -> None:
        found = close.current_close(session, fund=fund, year=year)
        csp = _csp_end(year + 1)
        if found is None or found.status != CloseStatus.APPROVED or csp is None:
            return
        if found.surplus_minor <= 0 or csp[1] > limit:
            return
        option, rule, to_states, to_reserve = DECISIONS[(fund, year)]
        data = SurplusDecisionIn(
            decided_on=csp[1],
            reference=f"ATT/CSP{csp[0]}/{year + 1}/DEC.{fund}-SURPLUS-{year} (illustrative)",
            option=option,
            credit_rule=rule,
            to_states=_part(to_states, found.surplus_minor),
            to_reserve=_part(to_reserve, found.surplus_minor),
        )
        when = dataset.recorded_at(csp[1])
        try:
            close.record_decision(
                session, actor=maker, fund=fund, year=year, data=data, recorded_at=when
            )
        except RuleViolation:  # no State had paid in full: the CSP credits all pro rata
            data = data.model_copy(update={"credit_rule": CreditRule.PRO_RATA_ASSESSED})
            close.record_decision(
                session, actor=maker, fund=fund, year=year, data=data, recorded_at=when
            )
        counts["decisions"] += 1

    def settle(year: int) -> None:
        """Surplus transfers still owed are paid over in December, as cash allows."""
        on = date(year, 12, 20)
        owed = reserve.position(session, as_at=on).receivable
        for fund, amount in owed.items():
            cash = min(amount, reserve.fund_cash(session, fund, on))
            if cash > 0:
                move(MovementKind.SETTLEMENT, on, cash, f"DEMO-WCF-{fund}-{year}", fund=fund)

    def close_year(fund: str, year: int) -> None:
        proposal = close.propose_close(
            session,
            actor=maker,
            fund=fund,
            year=year,
            note="Year-end close (illustrative)",
            recorded_at=dataset.recorded_at(date(year + 1, 1, 31)),
        )
        close.approve_close(
            session,
            actor=checker,
            close_id=proposal.id or 0,
            reference=f"ATT/SEC/FIN/{year + 1}/CLOSE-{fund}-{year} (illustrative)",
            recorded_at=dataset.recorded_at(date(year + 1, 2, 15)),
        )
        counts["closes"] += 1

    drawn: dict[date, int] = {}

    def draw(on: date, wanted_minor: int, approval: str) -> None:
        """What was approved, at most what the reserve has available (whole thousands)."""
        available = min(
            reserve.position(session, as_at=on).available_minor,
            reserve.position(session, as_at=reserve.END_OF_TIME).available_minor,
        )
        amount = min(wanted_minor, available // 100_000 * 100_000)
        if amount > 0:
            move(MovementKind.DRAW_DOWN, on, amount, approval, fund="SEC")
            drawn[on] = amount

    def repay(drawn_on: date, on: date) -> None:
        if drawn_on in drawn:
            reference = f"DEMO-WCF-SEC-REPAY-{on.year}"
            move(MovementKind.REPLENISHMENT, on, drawn[drawn_on], reference, fund="SEC")

    # (date, order within the day, what to do), run in date order
    events: list[tuple[date, int, Callable[[], None]]] = []
    for on, state, donor, usd, ref in CONTRIBUTIONS:
        who = {"state_code": state} if state else {"donor": donor or ""}
        events.append((on, 0, partial(move, MovementKind.CONTRIBUTION, on, usd * 100, ref, **who)))
    for on, usd, approval, back in DRAW_DOWNS:
        events.append((on, 0, partial(draw, on, usd * 100, approval)))
        if back is not None:
            events.append((back, 0, partial(repay, on, back)))
    for year in range(FIRST_YEAR, LAST_YEAR + 2):
        csp = _csp_end(year)
        for fund in FUNDS:
            if csp is not None and (fund, year - 1) in DECISIONS:
                events.append((csp[1], 1, partial(decide, fund, year - 1)))
        if year <= LAST_YEAR:
            events.append((date(year, 12, 20), 2, partial(settle, year)))
            for fund in FUNDS:
                events.append((date(year + 1, 1, 31), 3, partial(close_year, fund, year)))
    for on, _order, run in sorted(events, key=lambda e: (e[0], e[1])):
        if on <= limit:
            run()
    # the credits from surpluses are applied to what the States owe on the demo date
    for state in sorted(
        {c for d in close.list_decisions(session) for c in close.decision_states(session, d)}
    ):
        if credits.credit_of(session, state, as_at=limit) > 0:
            credits.apply_credit(
                session,
                actor=maker,
                state_code=state,
                value_on=limit,
                recorded_at=dataset.recorded_at(limit),
            )
    return DemoClose(**counts)
