"""Tracing voluntary spending to the money that paid it (pure, no database): oldest
receipt first within each fund and earmark, earmarks kept apart, exact cents, parts
summing to wholes; and the receipt-to-pledge matching arithmetic."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from finance_core.voluntary import matching
from finance_core.voluntary.usage import MoneyIn, MoneyOut, Use, available, trace

D0 = date(2024, 1, 1)


def r(
    i: int, donor: int, day: int, usd: int, fund: str = "VTF", earmark: str | None = None
) -> MoneyIn:
    return MoneyIn(i, donor, fund, earmark, D0 + timedelta(days=day), usd)


def d(i: int, day: int, usd: int, fund: str = "VTF", earmark: str | None = None) -> MoneyOut:
    return MoneyOut(i, fund, earmark, D0 + timedelta(days=day), usd)


def test_a_disbursement_is_paid_from_the_oldest_receipt_first() -> None:
    # Germany gave 100.00 on day 10, Flanders 50.00 on day 5: a 120.00 payment takes
    # Flanders' 50.00 first, then 70.00 of Germany's
    usage = trace([r(1, 1, 10, 10000), r(2, 2, 5, 5000)], [d(7, 20, 12000)])
    assert usage.uses == (Use(2, 7, 5000), Use(1, 7, 7000))
    assert usage.unspent == {1: 3000, 2: 0}
    assert usage.unfunded == {7: 0}
    assert usage.used_of(1) == 7000 and usage.funded_of(7) == 12000


def test_payments_take_the_receipts_in_value_date_order_and_split_across_them() -> None:
    usage = trace(
        [r(1, 1, 0, 3000), r(2, 2, 1, 3000), r(3, 1, 2, 3000)],
        [d(11, 9, 2000), d(10, 5, 2500), d(12, 9, 3000)],
    )
    assert usage.uses == (
        Use(1, 10, 2500),
        Use(1, 11, 500),
        Use(2, 11, 1500),
        Use(2, 12, 1500),
        Use(3, 12, 1500),
    )
    assert usage.unspent == {1: 0, 2: 0, 3: 1500}


def test_earmarked_money_pays_only_its_earmark_and_unearmarked_only_unearmarked() -> None:
    receipts = [
        r(1, 1, 0, 10000, earmark="gender"),
        r(2, 2, 0, 10000),
        r(3, 3, 0, 10000, fund="SPP"),
    ]
    usage = trace(receipts, [d(1, 1, 4000), d(2, 1, 12000, earmark="gender")])
    assert usage.uses == (Use(2, 1, 4000), Use(1, 2, 10000))
    assert usage.unspent == {1: 0, 2: 6000, 3: 10000}
    # the gender payment is short: unearmarked and SPP money never pay it
    assert usage.unfunded == {1: 0, 2: 2000}


def test_available_is_received_less_disbursed_by_value_date_per_pool() -> None:
    receipts = [r(1, 1, 0, 10000, earmark="gender"), r(2, 2, 3, 5000), r(3, 1, 9, 700)]
    paid = [d(1, 2, 4000, earmark="gender"), d(2, 5, 1000)]
    assert available(receipts, paid, on=D0) == {("VTF", "gender"): 10000}
    assert available(receipts, paid, on=D0 + timedelta(days=5)) == {
        ("VTF", None): 4000,
        ("VTF", "gender"): 6000,
    }
    assert available(receipts, paid, on=D0 + timedelta(days=30)) == {
        ("VTF", None): 4700,
        ("VTF", "gender"): 6000,
    }


pools = st.sampled_from([("VTF", None), ("VTF", "gender"), ("VTF", "Africa"), ("SPP", None)])
receipts_st = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60), st.integers(1, 10**9), pools),
    max_size=15,
)
paid_st = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10**9), pools), max_size=15)


def _build(
    got: list[tuple[int, int, int, tuple[str, str | None]]],
    paid: list[tuple[int, int, tuple[str, str | None]]],
) -> tuple[list[MoneyIn], list[MoneyOut]]:
    receipts = [r(i, donor, day, usd, *pool) for i, (donor, day, usd, pool) in enumerate(got)]
    payments = [d(i, day, usd, *pool) for i, (day, usd, pool) in enumerate(paid)]
    return receipts, payments


@given(receipts_st, paid_st)
def test_property_parts_sum_to_wholes(
    got: list[tuple[int, int, int, tuple[str, str | None]]],
    paid: list[tuple[int, int, tuple[str, str | None]]],
) -> None:
    receipts, payments = _build(got, paid)
    usage = trace(receipts, payments)
    used: dict[int, int] = defaultdict(int)
    funded: dict[int, int] = defaultdict(int)
    for use in usage.uses:
        assert use.amount_minor > 0
        used[use.receipt_id] += use.amount_minor
        funded[use.disbursement_id] += use.amount_minor
    for x in receipts:
        assert used[x.id] + usage.unspent[x.id] == x.usd_minor
        assert usage.unspent[x.id] >= 0
    for y in payments:
        assert funded[y.id] + usage.unfunded[y.id] == y.usd_minor
        assert usage.unfunded[y.id] >= 0
    # per pool: spent + unspent = received; spent + unfunded = disbursed
    for pool in {x.pool for x in receipts} | {y.pool for y in payments}:
        received = sum(x.usd_minor for x in receipts if x.pool == pool)
        disbursed = sum(y.usd_minor for y in payments if y.pool == pool)
        spent = sum(used[x.id] for x in receipts if x.pool == pool)
        assert spent == min(received, disbursed)
        assert spent + sum(usage.unspent[x.id] for x in receipts if x.pool == pool) == received


@given(receipts_st, paid_st)
def test_property_earmarks_isolated_and_oldest_first(
    got: list[tuple[int, int, int, tuple[str, str | None]]],
    paid: list[tuple[int, int, tuple[str, str | None]]],
) -> None:
    receipts, payments = _build(got, paid)
    usage = trace(receipts, payments)
    by_id = {x.id: x for x in receipts}
    out_by_id = {y.id: y for y in payments}
    for use in usage.uses:
        assert by_id[use.receipt_id].pool == out_by_id[use.disbursement_id].pool
    # within a pool, in (date, id) order: fully used receipts, at most one partly used,
    # then untouched ones
    for pool in {x.pool for x in receipts}:
        ordered = sorted((x for x in receipts if x.pool == pool), key=lambda x: (x.value_on, x.id))
        states = [
            "full"
            if usage.unspent[x.id] == 0
            else "none"
            if usage.unspent[x.id] == x.usd_minor
            else "part"
            for x in ordered
        ]
        rank = {"full": 0, "part": 1, "none": 2}
        assert [rank[s] for s in states] == sorted(rank[s] for s in states)
        assert states.count("part") <= 1
        # a payment is short only when its pool's money is all used
        short = [y for y in payments if y.pool == pool and usage.unfunded[y.id]]
        if short:
            assert all(s == "full" for s in states)


@given(receipts_st, paid_st, st.integers(0, 70))
def test_property_available_is_received_less_disbursed(
    got: list[tuple[int, int, int, tuple[str, str | None]]],
    paid: list[tuple[int, int, tuple[str, str | None]]],
    offset: int,
) -> None:
    receipts, payments = _build(got, paid)
    on = D0 + timedelta(days=offset)
    result = available(receipts, payments, on=on)
    for pool, amount in result.items():
        received = sum(x.usd_minor for x in receipts if x.pool == pool and x.value_on <= on)
        disbursed = sum(y.usd_minor for y in payments if y.pool == pool and y.value_on <= on)
        assert amount == received - disbursed
    assert set(result) == {x.pool for x in receipts if x.value_on <= on} | {
        y.pool for y in payments if y.value_on <= on
    }


# --- matching a receipt to pledges ---------------------------------------------------------


def test_same_currency_matches_exactly_and_oldest_pledge_first() -> None:
    receipt = matching.ReceiptValue("EUR", 6_000_000, 6_480_000)
    pledges = [
        matching.OpenPledge(1, "EUR", 2, 4_000_000, None),
        matching.OpenPledge(2, "EUR", 2, 10_000_000, None),
    ]
    assert matching.auto_match(receipt, pledges) == [(1, 4_000_000), (2, 2_000_000)]


def test_another_currency_converts_half_up_at_the_pledges_rate() -> None:
    # USD 100.00 against a EUR pledge at 1.08: 92.592... → EUR 92.59
    receipt = matching.ReceiptValue("USD", 10000, 10000)
    pledge = matching.OpenPledge(1, "EUR", 2, 10**9, Decimal("1.08"))
    assert matching.auto_match(receipt, [pledge]) == [(1, 9259)]
    # half up, unless that takes more than the receipt: 0.01 USD at 1.5 is 0.00667 EUR
    # (half up: 0.01 EUR, worth 0.015 USD > 0.01), so nothing is matched
    tiny = matching.ReceiptValue("USD", 1, 1)
    assert matching.auto_match(tiny, [matching.OpenPledge(1, "EUR", 2, 100, Decimal("1.5"))]) == []
    # a pledge in another currency without a rate is left unmatched
    assert matching.auto_match(receipt, [matching.OpenPledge(1, "CHF", 2, 100, None)]) == []


@given(
    st.sampled_from(["USD", "EUR", "CHF"]),
    st.integers(1, 10**8),
    st.lists(
        st.tuples(
            st.sampled_from(["USD", "EUR", "CHF", "JPY"]),
            st.integers(0, 10**8),
            st.sampled_from([None, Decimal("1.0823"), Decimal("0.0067"), Decimal("1.5")]),
        ),
        max_size=6,
    ),
)
def test_property_auto_matches_never_exceed_the_pledges_or_the_receipt(
    currency: str, amount: int, raw: list[tuple[str, int, Decimal | None]]
) -> None:
    rate = {"USD": Decimal(1), "EUR": Decimal("1.0823"), "CHF": Decimal("1.5")}[currency]
    usd = max(1, int(Fraction(amount) * Fraction(rate)))
    receipt = matching.ReceiptValue(currency, amount, usd)
    pledges = [
        matching.OpenPledge(i, c, 0 if c == "JPY" else 2, o, Decimal(1) if c == "USD" else r_)
        for i, (c, o, r_) in enumerate(raw)
    ]
    found = matching.auto_match(receipt, pledges)
    by_id = {p.pledge_id: p for p in pledges}
    taken = Fraction(0)
    for pledge_id, got in found:
        p = by_id[pledge_id]
        assert 0 < got <= p.outstanding_minor
        share = matching.share(
            receipt,
            currency=p.currency,
            decimals=p.decimals,
            amount_minor=got,
            usd_per_unit=p.usd_per_unit,
        )
        assert share is not None
        taken += share
    assert taken <= usd
    # a same-currency pledge listed first takes all it can
    if pledges and pledges[0].currency == currency:
        expected = min(amount, pledges[0].outstanding_minor)
        assert dict(found).get(0, 0) == expected
