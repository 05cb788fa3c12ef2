"""The demo's payment history from 2015 to the demo date: most States pay on time, some
late, some years behind, a few in advance, some never; some pay in Swiss francs or euros
(at illustrative exchange rates, the bank's US dollar figure confirmed later); one
payment bounces and is paid again. Deterministic; amounts follow the demo assessments."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.assessments.models import AssessmentLine, AssessmentRun
from finance_core.budgets.models import Budget
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.money import format_minor
from finance_core.payments import credits, service
from finance_core.payments.schemas import ExchangeRateIn, ReceiptIn, ReversalIn

#: Illustrative US dollars per unit, one rate a year (not official rates).
RATES = {
    "CHF": (
        "1.01",
        "1.00",
        "1.02",
        "1.00",
        "1.03",
        "1.07",
        "1.09",
        "1.11",
        "1.12",
        "1.13",
        "1.16",
        "1.18",
    ),
    "EUR": (
        "1.11",
        "1.10",
        "1.13",
        "1.18",
        "1.12",
        "1.14",
        "1.18",
        "1.05",
        "1.08",
        "1.08",
        "1.11",
        "1.13",
    ),
}
PROFILES = ("on_time",) * 8 + ("late",) * 5 + ("behind",) * 3 + ("advance",) * 2 + ("never",) * 2


@dataclass(frozen=True, slots=True)
class DemoPayments:
    receipts: int
    reversed: int
    credit_applications: int


def _assessed(session: Session) -> dict[tuple[str, int], int]:
    """Each State's total assessed per year (both funds, latest run of each budget)."""
    latest = dict(
        session.execute(
            select(col(AssessmentRun.budget_id), col(AssessmentRun.id)).order_by(
                col(AssessmentRun.id)
            )
        ).all()
    )
    years = dict(session.execute(select(col(Budget.id), col(Budget.year))).all())
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for budget_id, run_id in latest.items():
        for code, amount in session.execute(
            select(col(AssessmentLine.state_code), col(AssessmentLine.amount_minor)).where(
                col(AssessmentLine.run_id) == run_id
            )
        ).all():
            if amount > 0:
                totals[(str(code), int(years[budget_id]))] += int(amount)
    return totals


def load_payments(session: Session, *, actor: Actor) -> DemoPayments:
    """Record the demo receipts (the caller commits)."""
    rnd = random.Random(dataset.SEED + 7)  # noqa: S311 (illustrative figures, not secrets)
    for money_code, yearly in RATES.items():
        for i, per_unit in enumerate(yearly):
            service.add_rate(
                session,
                actor=actor,
                data=ExchangeRateIn(
                    currency=money_code,
                    valid_on=date(2015 + i, 1, 1),
                    usd_per_unit=per_unit,
                    source="demo: illustrative rate",
                ),
            )
    totals = _assessed(session)
    states = sorted({code for code, _ in totals})
    profile = {code: rnd.choice(PROFILES) for code in states}
    currency = {code: rnd.choice(["USD"] * 8 + ["CHF", "EUR"]) for code in states}
    plans: list[tuple[date, str, int, int]] = []  # (value date, State, year paid for, cents)
    for (code, year), cents in sorted(totals.items()):
        kind = profile[code]
        if kind == "never" or (kind == "behind" and rnd.random() < 0.3):
            continue
        if kind == "on_time":
            on = date(year, 1, 20) + timedelta(days=rnd.randint(0, 60))
        elif kind == "late":
            on = date(year, 6, 1) + timedelta(days=rnd.randint(0, 420))
        elif kind == "behind":
            on = date(year + 2, 3, 1) + timedelta(days=rnd.randint(0, 300))
        else:  # advance: paid in December for the coming year
            on = date(year - 1, 12, 1) + timedelta(days=rnd.randint(0, 20))
        if kind == "behind" and rnd.random() < 0.4:
            cents = cents * rnd.choice([50, 60, 75]) // 100  # part payments
        plans.append((max(on, date(2015, 1, 5)), code, year, cents))
    receipts = reversed_count = applied = 0
    bounced_done = False
    limit = min(dataset.DEMO_DATE, utctoday())
    for on, code, year, cents in sorted(plans):
        if on > limit:
            continue
        money = currency[code]
        amount = cents
        if money != "USD":
            usd_per_unit = Decimal(RATES[money][min(on.year, 2026) - 2015])
            amount = int((Decimal(cents) / usd_per_unit).to_integral_value())
        data = ReceiptIn(
            state_code=code,
            value_on=on,
            amount=format_minor(amount),
            currency=money,
            bank_reference=f"DEMO-{code}-{year}-{on.isoformat()}",
            note=f"Contribution {year} (illustrative)",
        )
        receipt = service.record_receipt(
            session, actor=actor, data=data, recorded_at=dataset.recorded_at(on)
        )
        receipts += 1
        if money != "USD" and rnd.random() < 0.7 and on + timedelta(days=5) <= limit:
            bank = receipt.usd_minor + rnd.randint(
                -receipt.usd_minor // 200, receipt.usd_minor // 400
            )
            credits.confirm_usd(
                session,
                actor=actor,
                receipt_id=receipt.id or 0,
                usd_amount=format_minor(bank),
                value_on=on + timedelta(days=5),
                recorded_at=dataset.recorded_at(on + timedelta(days=5)),
            )
        if profile[code] == "advance":
            use = credits.apply_credit(
                session,
                actor=actor,
                state_code=code,
                value_on=max(on, date(year, 1, 15)),
                recorded_at=dataset.recorded_at(max(on, date(year, 1, 15))),
            )
            applied += use is not None
        if not bounced_done and year == 2019 and profile[code] == "on_time" and money == "USD":
            back = on + timedelta(days=10)
            service.reverse_receipt(
                session,
                actor=actor,
                receipt_id=receipt.id or 0,
                data=ReversalIn(
                    value_on=back,
                    reason="Returned by the bank: account details incomplete (illustrative)",
                ),
                recorded_at=dataset.recorded_at(back),
            )
            again = back + timedelta(days=20)
            service.record_receipt(
                session,
                actor=actor,
                recorded_at=dataset.recorded_at(again),
                data=data.model_copy(
                    update={"value_on": again, "bank_reference": data.bank_reference + "-R"}
                ),
            )
            receipts += 1
            reversed_count += 1
            bounced_done = True
    # The demo records its assessments before its payments, so a credit that arose before
    # a later-dated assessment was not applied when that assessment posted: an officer
    # applies what is left on the demo date.
    for code in states:
        if credits.credit_of(session, code, as_at=limit) > 0:
            use = credits.apply_credit(
                session,
                actor=actor,
                state_code=code,
                value_on=limit,
                recorded_at=dataset.recorded_at(limit),
            )
            applied += use is not None
    return DemoPayments(receipts=receipts, reversed=reversed_count, credit_applications=applied)
