"""The voluntary funds told as a finance officer would: Germany pledges EUR 100,000 to
the Voluntary Trust Fund for gender projects at CSP10 and pays it in two instalments, a
foundation gives to the same earmark, Germany also sends unpledged US dollars (which
bounce), Flanders pledges to the Sponsorship Programme and withdraws what it did not
pay, a gender project is paid in two tranches (one refused for lack of money, one
beyond its approval), a delegate is sponsored, reports are due, the bank confirms a
US dollar figure, and late records are ignored as at an earlier recording cutoff. The
ledger balances per fund and agrees with the records to the cent; voluntary money never
changes what any State owes under the assessed budgets. Every test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.conferences.models import Conference
from finance_core.db_types import utcnow, utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.funds.models import FundCreate, FundKind
from finance_core.funds.service import create_fund
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.service import close_period, get_entry
from finance_core.ledger.verify import verify_ledger
from finance_core.payments.schemas import ExchangeRateIn, ReversalIn
from finance_core.payments.service import add_rate
from finance_core.payments.statement import statement
from finance_core.states.models import State
from finance_core.voluntary import service
from finance_core.voluntary.models import DisbursementKind, DonorKind, ProjectStatus
from finance_core.voluntary.schemas import (
    DisbursementIn,
    DonorIn,
    DonorUpdate,
    MatchIn,
    PledgeIn,
    ProjectIn,
    ReportIn,
    SponsorshipIn,
    VoluntaryReceiptIn,
    WithdrawalIn,
)
from tests.fixtures_finance import credit_held, owed

_refs = itertools.count(1)


def account(session: Session, code: str, as_at: date = date(2099, 1, 1)) -> int:
    fund, kind = code.split(".")
    rows = balances(session, as_at=as_at, by=[], fund=fund, account_type=kind, include_zero=True)
    return sum(b.amount_minor for b in rows)


def rates(session: Session, officer: Actor) -> None:
    """EUR at 1.10 USD from 1 Jan 2024, 1.08 from 1 July 2024; CHF at 1.12 from 1 Jan 2024."""
    for currency, valid_on, rate in (
        ("EUR", date(2024, 1, 1), "1.10"),
        ("EUR", date(2024, 7, 1), "1.08"),
        ("CHF", date(2024, 1, 1), "1.12"),
    ):
        add_rate(
            session,
            actor=officer,
            data=ExchangeRateIn(
                currency=currency, valid_on=valid_on, usd_per_unit=rate, source="t"
            ),
        )


@pytest.fixture
def donors(session: Session, officer: Actor) -> dict[str, int]:
    """Germany (a State donor), Flanders and a foundation (other donors); rates."""
    for code, name in (("DEU", "Germany"), ("GHA", "Ghana"), ("BEL", "Belgium")):
        session.add(State(code=code, name=name, un_member=True))
    session.flush()
    rates(session, officer)
    made = {
        "DEU": service.create_donor(
            session,
            actor=officer,
            data=DonorIn(
                name="Germany",
                kind=DonorKind.STATE,
                state_code="deu",
                contact_name="Permanent Mission, Geneva",
                contact_email="finance@gene.diplo.de",
                language="en",
                reporting_note="Annual statement in English by 31 March",
            ),
        ),
        "FLA": service.create_donor(
            session,
            actor=officer,
            data=DonorIn(
                name="Flanders", kind=DonorKind.ORGANISATION, state_code="BEL", language="fr"
            ),
        ),
        "FDN": service.create_donor(
            session,
            actor=officer,
            data=DonorIn(name="Peace Foundation", kind=DonorKind.ORGANISATION),
        ),
    }
    session.commit()
    return {k: v.id or 0 for k, v in made.items()}


def pledge(session: Session, officer: Actor, **kw: Any) -> int:
    data: dict[str, Any] = {
        "pledged_on": date(2024, 8, 22),
        "fund": "VTF",
        "amount": "1000.00",
        "reference": f"Letter {next(_refs)}",
    }
    data.update(kw)
    return service.record_pledge(session, actor=officer, data=PledgeIn.model_validate(data)).id or 0


def receive(session: Session, officer: Actor, **kw: Any) -> int:
    data: dict[str, Any] = {
        "fund": "VTF",
        "amount": "1000.00",
        "bank_reference": f"BK-{next(_refs)}",
    }
    data.update(kw)
    receipt = service.record_receipt(
        session, actor=officer, data=VoluntaryReceiptIn.model_validate(data)
    )
    return receipt.id or 0


def pay(session: Session, officer: Actor, **kw: Any) -> int:
    data: dict[str, Any] = {
        "payee": "Grantee",
        "reference": f"PAY-{next(_refs)}",
        "amount": "100.00",
    }
    data.update(kw)
    d = service.record_disbursement(
        session, actor=officer, data=DisbursementIn.model_validate(data)
    )
    return d.id or 0


def refused(exc: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    return dict(exc.value.fields)


def ledger_is_sound(session: Session, *dates: date) -> None:
    """Every fund balances, the chain verifies, and every voluntary fund's ledger agrees
    with its records, as at each date."""
    for as_at in (*dates, date(2099, 1, 1)):
        funds = balances(session, as_at=as_at, by=[BalanceDim.FUND], include_zero=True)
        assert all(b.amount_minor == 0 for b in funds), funds
        for r in service.reconcile(session, as_at=as_at):
            assert r.agrees, r
    assert verify_ledger(session).ok


def test_the_worked_example(session: Session, officer: Actor, donors: dict[str, int]) -> None:
    deu, fla, fdn = donors["DEU"], donors["FLA"], donors["FDN"]
    # At CSP10 Germany pledges EUR 100,000 to the VTF for gender projects
    gender = pledge(
        session,
        officer,
        donor_id=deu,
        currency="EUR",
        amount="100000.00",
        earmark=" gender ",
        occasion="CSP10",
        conditions="Reports in English",
    )
    assert (
        service.pledge_status(session, pledge_id=gender, as_at=date(2024, 8, 31)).status == "open"
    )
    # The Peace Foundation gives USD 10,000 for gender on 30 September (no pledge)
    foundation = receive(
        session,
        officer,
        donor_id=fdn,
        value_on=date(2024, 9, 30),
        amount="10000.00",
        earmark="gender",
    )
    # Germany's first instalment, EUR 60,000 on 1 October: provisional at 1.08 = USD 64,800
    first = receive(
        session,
        officer,
        donor_id=deu,
        value_on=date(2024, 10, 1),
        amount="60000.00",
        currency="EUR",
        earmark="gender",
    )
    out = service.receipt_out(session, first)
    assert (out.usd_amount, out.usd_provisional, out.exchange_rate) == ("64800.00", True, "1.08")
    assert [(m.pledge_id, m.amount, m.currency) for m in out.matches] == [
        (gender, "60000.00", "EUR")
    ]
    entry, postings = get_entry(session, out.entry_seq)
    assert entry.entry_type == "voluntary.receipt"
    assert [(code, p.amount_minor, p.state_code) for p, code in postings] == [
        ("VTF.bank", 6480000, "DEU"),
        ("VTF.voluntary_revenue", -6480000, "DEU"),
    ]
    line = service.pledge_status(session, pledge_id=gender, as_at=date(2024, 10, 1))
    assert (line.status, line.received_minor, line.outstanding_minor) == (
        "partly_received",
        6000000,
        4000000,
    )
    # The bank credited USD 64,750.00: 50.00 less, an exchange loss
    service.confirm_receipt_usd(
        session, actor=officer, receipt_id=first, usd_amount="64750.00", value_on=date(2024, 10, 3)
    )
    assert account(session, "VTF.exchange_gain_loss") == 5000
    assert service.receipt_out(session, first).usd_confirmed == "64750.00"
    with pytest.raises(Conflict):
        service.confirm_receipt_usd(
            session, actor=officer, receipt_id=first, usd_amount="1.00", value_on=date(2024, 10, 3)
        )
    # Germany also sends USD 25,000 unearmarked and unpledged
    loose = receive(session, officer, donor_id=deu, value_on=date(2024, 11, 15), amount="25000.00")
    assert service.receipt_out(session, loose).matches == []

    # The selection committee approves a gender project of USD 80,000, a report due
    project = service.create_project(
        session,
        actor=officer,
        data=ProjectIn(
            code="VTF-2024-03",
            title="Gender-responsive arms control training",
            grantee="West Africa Action Network",
            country="GHA",
            earmark="gender",
            approved_on=date(2024, 9, 15),
            approved_amount="80000.00",
            reference="ATT/VTF/SC/2024/3",
        ),
    )
    pid = project.id or 0
    report = service.add_project_report(
        session,
        actor=officer,
        project_id=pid,
        data=ReportIn(due_on=date(2025, 6, 30), title="Final narrative and financial report"),
    )
    # Tranche 1: USD 50,000 on 15 October (the pool holds 10,000 + 64,750)
    t1 = pay(
        session,
        officer,
        kind="project_tranche",
        project_id=pid,
        value_on=date(2024, 10, 15),
        amount="50000.00",
        payee="West Africa Action Network",
    )
    assert service.disbursement_out(session, t1).tranche == 1
    assert (
        service.disbursement_out(session, t1).fund,
        service.disbursement_out(session, t1).earmark,
    ) == (
        "VTF",
        "gender",
    )
    # Tranche 2 of USD 30,000 on 1 November is refused: only 24,750 is left for gender
    # (Germany's unearmarked dollars never pay a gender project)
    with pytest.raises(RuleViolation, match="under earmark 'gender'") as exc:
        pay(
            session,
            officer,
            kind="project_tranche",
            project_id=pid,
            value_on=date(2024, 11, 20),
            amount="30000.00",
        )
    assert refused(exc) == {"amount": "at most 24750.00"}
    # Germany's second instalment, EUR 40,000 on 3 February 2025, with the bank's figure
    second = receive(
        session,
        officer,
        donor_id=deu,
        value_on=date(2025, 2, 3),
        amount="40000.00",
        currency="EUR",
        usd_amount="43600.00",
        earmark="gender",
    )
    assert service.receipt_out(session, second).usd_provisional is False
    line = service.pledge_status(session, pledge_id=gender, as_at=date(2025, 2, 3))
    assert (line.status, line.received_minor, line.outstanding_minor) == ("fulfilled", 10000000, 0)
    # now tranche 2 passes; a third would go beyond the project's approved USD 80,000
    t2 = pay(
        session,
        officer,
        kind="project_tranche",
        project_id=pid,
        value_on=date(2025, 2, 10),
        amount="30000.00",
    )
    assert service.disbursement_out(session, t2).tranche == 2
    with pytest.raises(RuleViolation, match="approved for 80000.00") as exc:
        pay(
            session,
            officer,
            kind="project_tranche",
            project_id=pid,
            value_on=date(2025, 2, 11),
            amount="0.01",
        )
    assert refused(exc) == {"amount": "at most 0.00"}
    assert service.project_out(session, pid).remaining == "0.00"
    service.mark_report_received(
        session, actor=officer, report_id=report.id or 0, received_on=date(2025, 7, 10)
    )
    assert service.project_out(session, pid).reports[0].received_on == date(2025, 7, 10)

    # Flanders pledges CHF 50,000 to the Sponsorship Programme, pays CHF 20,000 and
    # withdraws the rest; a fulfilled pledge has nothing to withdraw
    spp = pledge(
        session,
        officer,
        donor_id=fla,
        fund="SPP",
        currency="CHF",
        amount="50000.00",
        pledged_on=date(2024, 3, 1),
    )
    flanders = receive(
        session,
        officer,
        donor_id=fla,
        fund="SPP",
        value_on=date(2024, 5, 2),
        amount="20000.00",
        currency="CHF",
    )
    assert service.receipt_out(session, flanders).usd_amount == "22400.00"
    with pytest.raises(ValidationFailed) as exc:
        service.withdraw_pledge(
            session,
            actor=officer,
            pledge_id=spp,
            data=WithdrawalIn(withdrawn_on=date(2024, 5, 1), reason="x"),
        )
    assert refused(exc) == {"withdrawn_on": "on or after 2024-05-02"}
    withdrawal = service.withdraw_pledge(
        session,
        actor=officer,
        pledge_id=spp,
        data=WithdrawalIn(withdrawn_on=date(2024, 12, 1), reason="Budget cut announced by letter"),
    )
    assert withdrawal.amount_minor == 3000000
    line = service.pledge_status(session, pledge_id=spp, as_at=date(2024, 12, 31))
    assert (line.status, line.received_minor, line.withdrawn_minor, line.outstanding_minor) == (
        "withdrawn",
        2000000,
        3000000,
        0,
    )
    assert (
        service.pledge_status(session, pledge_id=spp, as_at=date(2024, 11, 30)).status
        == "partly_received"
    )
    with pytest.raises(RuleViolation, match="fulfilled"):
        service.withdraw_pledge(
            session,
            actor=officer,
            pledge_id=gender,
            data=WithdrawalIn(withdrawn_on=date(2025, 3, 1), reason="x"),
        )
    with pytest.raises(Conflict):
        service.withdraw_pledge(
            session,
            actor=officer,
            pledge_id=spp,
            data=WithdrawalIn(withdrawn_on=date(2025, 3, 1), reason="x"),
        )
    # a later CHF receipt from Flanders does not settle the withdrawn pledge
    late = receive(
        session,
        officer,
        donor_id=fla,
        fund="SPP",
        value_on=date(2024, 12, 5),
        amount="1000.00",
        currency="CHF",
    )
    assert service.receipt_out(session, late).matches == []

    # A Ghanaian delegate is sponsored to CSP10 from the SPP: USD 4,000 of costs
    session.add(
        Conference(
            number=10,
            name="CSP10",
            kind="ordinary",
            venue="Geneva",
            start_on=date(2024, 8, 19),
            end_on=date(2024, 8, 23),
        )
    )
    session.flush()
    delegate = service.create_sponsorship(
        session,
        actor=officer,
        data=SponsorshipIn(
            meeting="CSP10",
            conference_number=10,
            traveller="A. Mensah",
            state_code="GHA",
            travel="2400.00",
            subsistence="1600",
        ),
    )
    sid = delegate.id or 0
    with pytest.raises(RuleViolation, match="costs 4000.00") as exc:
        pay(
            session,
            officer,
            kind="sponsorship",
            sponsorship_id=sid,
            value_on=date(2024, 8, 10),
            amount="4000.01",
        )
    assert refused(exc) == {"amount": "at most 4000.00"}
    ticket = pay(
        session,
        officer,
        kind="sponsorship",
        sponsorship_id=sid,
        value_on=date(2024, 8, 10),
        amount="2400.00",
        payee="Travel agency",
    )
    pay(
        session,
        officer,
        kind="sponsorship",
        sponsorship_id=sid,
        value_on=date(2024, 8, 19),
        amount="1600.00",
        payee="A. Mensah",
    )
    assert service.sponsorship_out(session, sid).disbursed == "4000.00"
    _, postings = get_entry(session, service.disbursement_out(session, ticket).entry_seq)
    assert [(code, p.amount_minor) for p, code in postings] == [
        ("SPP.expenditure", 240000),
        ("SPP.bank", -240000),
    ]

    # Germany's unearmarked USD 25,000 bounces: reversed, nothing was spent from it
    service.reverse_receipt(
        session,
        actor=officer,
        receipt_id=loose,
        data=ReversalIn(value_on=date(2024, 11, 20), reason="Returned"),
    )
    assert service.receipt_out(session, loose).reversal is not None
    # Reversing Germany's first instalment is refused: that money paid the project
    with pytest.raises(RuleViolation, match="already spent") as exc:
        service.reverse_receipt(
            session,
            actor=officer,
            receipt_id=first,
            data=ReversalIn(value_on=date(2025, 3, 1), reason="x"),
        )
    assert refused(exc) == {"value_on": "at most 38350.00"}
    session.commit()

    # Balances per fund and earmark as at the end of 2024 and of 2025
    assert [
        (b.fund, b.earmark, b.received_minor, b.disbursed_minor, b.available_minor)
        for b in service.balances(session, as_at=date(2024, 12, 31))
    ] == [
        ("SPP", None, 2240000 + 112000, 400000, 1952000),
        ("VTF", "gender", 1000000 + 6475000, 5000000, 2475000),
    ]
    assert [
        (b.fund, b.earmark, b.available_minor)
        for b in service.balances(session, as_at=date(2025, 12, 31))
    ] == [
        ("SPP", None, 1952000),
        ("VTF", "gender", 3835000),
    ]
    as_of_2024_11_16 = {
        (b.fund, b.earmark): b.available_minor
        for b in service.balances(session, as_at=date(2024, 11, 16))
    }
    assert as_of_2024_11_16[("VTF", None)] == 2500000  # before the bounce

    # Germany's statement for 2024: the pledge, the EUR instalment (the bounced dollars
    # are gone) and 40,000 of the tranche traced to its money (the foundation's 10,000,
    # older, paid first)
    s24 = service.donor_statement(session, donor_id=deu, year=2024, as_at=date(2025, 1, 31))
    assert [
        (p.pledge_id, p.status, p.received_minor, p.outstanding_minor) for p in s24.pledges
    ] == [(gender, "partly_received", 6000000, 4000000)]
    assert [
        (r.receipt_id, r.currency, r.amount_minor, r.usd_minor, r.pledge_ids) for r in s24.receipts
    ] == [(first, "EUR", 6000000, 6475000, (gender,))]
    assert [(x.fund, x.earmark, x.spent_minor, x.unspent_minor) for x in s24.spending] == [
        ("VTF", "gender", 4000000, 2475000)
    ]
    assert [
        (t.currency, t.pledged_minor, t.received_minor, t.outstanding_minor) for t in s24.totals
    ] == [("EUR", 10000000, 6000000, 4000000)]
    assert (s24.received_usd_minor, s24.spent_usd_minor) == (6475000, 4000000)
    # 2025: the pledge is still listed (outstanding at the start of the year), fulfilled
    s25 = service.donor_statement(session, donor_id=deu, year=2025, as_at=date(2025, 12, 31))
    assert [(p.pledge_id, p.status) for p in s25.pledges] == [(gender, "fulfilled")]
    assert [r.receipt_id for r in s25.receipts] == [second]
    assert [(x.spent_minor, x.unspent_minor) for x in s25.spending] == [(3000000, 3835000)]
    assert [
        (t.currency, t.pledged_minor, t.received_minor, t.outstanding_minor) for t in s25.totals
    ] == [("EUR", 0, 4000000, 0)]
    foundation_2024 = service.donor_statement(
        session, donor_id=fdn, year=2024, as_at=date(2024, 12, 31)
    )
    assert [(x.spent_minor, x.unspent_minor) for x in foundation_2024.spending] == [(1000000, 0)]
    assert foundation_2024.receipts[0].receipt_id == foundation
    flanders_2024 = service.donor_statement(
        session, donor_id=fla, year=2024, as_at=date(2024, 12, 31)
    )
    assert [
        (t.currency, t.pledged_minor, t.received_minor, t.outstanding_minor)
        for t in flanders_2024.totals
    ] == [("CHF", 5000000, 2000000, 0)]
    assert [(x.fund, x.spent_minor, x.unspent_minor) for x in flanders_2024.spending] == [
        ("SPP", 400000, 1952000)
    ]

    ledger_is_sound(
        session, date(2024, 10, 2), date(2024, 11, 16), date(2024, 12, 31), date(2025, 2, 10)
    )


def test_known_at_ignores_what_was_recorded_later(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    deu = donors["DEU"]
    p = pledge(session, officer, donor_id=deu, amount="5000.00", pledged_on=date(2024, 1, 10))
    early = receive(session, officer, donor_id=deu, value_on=date(2024, 2, 1), amount="3000.00")
    pay(session, officer, value_on=date(2024, 2, 5), amount="1000.00", fund="VTF")
    session.commit()
    cutoff = utcnow()
    # recorded after the cutoff: a receipt dated back in March, a disbursement and its
    # reversal
    receive(session, officer, donor_id=deu, value_on=date(2024, 3, 1), amount="2000.00")
    d = pay(session, officer, value_on=date(2024, 3, 5), amount="500.00", fund="VTF")
    service.reverse_disbursement(
        session,
        actor=officer,
        disbursement_id=d,
        data=ReversalIn(value_on=date(2024, 3, 6), reason="returned"),
    )
    session.commit()
    then = service.balances(session, as_at=date(2024, 12, 31), known_at=cutoff)
    now = service.balances(session, as_at=date(2024, 12, 31))
    assert [(b.received_minor, b.disbursed_minor) for b in then] == [(300000, 100000)]
    assert [(b.received_minor, b.disbursed_minor) for b in now] == [(500000, 100000)]
    assert (
        service.pledge_status(
            session, pledge_id=p, as_at=date(2024, 12, 31), known_at=cutoff
        ).received_minor
        == 300000
    )
    assert (
        service.pledge_status(session, pledge_id=p, as_at=date(2024, 12, 31)).status == "fulfilled"
    )
    statement_then = service.donor_statement(
        session, donor_id=deu, year=2024, as_at=date(2024, 12, 31), known_at=cutoff
    )
    assert [r.receipt_id for r in statement_then.receipts] == [early]
    assert statement_then.known_at == cutoff
    for r in service.reconcile(session, as_at=date(2024, 12, 31), known_at=cutoff):
        assert r.agrees, r
    ledger_is_sound(session, date(2024, 3, 5))


def test_explicit_matches_and_their_limits(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    deu, fla = donors["DEU"], donors["FLA"]
    eur = pledge(
        session,
        officer,
        donor_id=deu,
        currency="EUR",
        amount="1000.00",
        pledged_on=date(2024, 2, 1),
    )
    usd = pledge(session, officer, donor_id=deu, amount="500.00", pledged_on=date(2024, 2, 1))
    other = pledge(session, officer, donor_id=fla, amount="500.00", pledged_on=date(2024, 2, 1))
    spp = pledge(
        session, officer, donor_id=deu, fund="SPP", amount="500.00", pledged_on=date(2024, 2, 1)
    )
    later = pledge(session, officer, donor_id=deu, amount="500.00", pledged_on=date(2024, 6, 1))
    base: dict[str, Any] = {"donor_id": deu, "value_on": date(2024, 3, 1), "amount": "1600.00"}

    def bad(*matches: tuple[int, str], on: date = date(2024, 3, 1)) -> dict[str, str]:
        with pytest.raises((ValidationFailed, RuleViolation)) as exc:
            receive(
                session,
                officer,
                **{**base, "value_on": on},
                match=[{"pledge_id": i, "amount": a} for i, a in matches],
            )
        return refused(exc)

    assert bad((other, "10.00")) == {"match[0].pledge_id": f"pledge {other} is another donor's"}
    assert bad((spp, "10.00")) == {
        "match[0].pledge_id": f"pledge {spp} is to unearmarked SPP money"
    }
    assert bad((later, "10.00")) == {
        "match[0].pledge_id": f"pledge {later} was made after the receipt"
    }
    assert bad((usd, "10.00"), (usd, "1.00")) == {
        "match[1].pledge_id": f"pledge {usd} is named twice"
    }
    assert bad((999999, "1.00")) == {"match[0].pledge_id": "unknown pledge 999999"}
    assert bad((usd, "10.001")) == {"match[0].amount": "at most 2 decimals"}
    assert bad((usd, "500.01")) == {"match[0].amount": "at most 500.00 USD is outstanding"}
    # EUR 1,000 at 1.10 is worth USD 1,100; with USD 500 that is USD 1,600: exactly the receipt
    assert bad((eur, "1000.00"), (usd, "500.01")) == {
        "match[1].amount": "at most 500.00 USD is outstanding"
    }
    with pytest.raises(RuleViolation) as exc:
        receive(
            session,
            officer,
            **{**base, "amount": "1599.99"},
            match=[
                MatchIn(pledge_id=eur, amount="1000.00").model_dump(),
                {"pledge_id": usd, "amount": "500.00"},
            ],
        )
    assert refused(exc) == {"match": "the matches add up to more than the receipt"}
    rid = receive(
        session,
        officer,
        **base,
        match=[{"pledge_id": eur, "amount": "1000.00"}, {"pledge_id": usd, "amount": "500.00"}],
    )
    assert {
        (m.pledge_id, m.amount, m.currency) for m in service.receipt_out(session, rid).matches
    } == {
        (eur, "1000.00", "EUR"),
        (usd, "500.00", "USD"),
    }
    # match "none" leaves the later pledge open; "auto" takes it once it exists
    none = receive(
        session, officer, donor_id=deu, value_on=date(2024, 6, 2), amount="100.00", match="none"
    )
    assert service.receipt_out(session, none).matches == []
    auto = receive(session, officer, donor_id=deu, value_on=date(2024, 6, 3), amount="100.00")
    assert [(m.pledge_id, m.amount) for m in service.receipt_out(session, auto).matches] == [
        (later, "100.00")
    ]
    # a withdrawn pledge is never settled
    service.withdraw_pledge(
        session,
        actor=officer,
        pledge_id=later,
        data=WithdrawalIn(withdrawn_on=date(2024, 6, 3), reason="x"),
    )
    assert bad((later, "1.00"), on=date(2024, 6, 10)) == {
        "match[0].pledge_id": f"pledge {later} is withdrawn"
    }
    # a reversed receipt's matches stop counting; the pledge is open again from then on
    service.reverse_receipt(
        session,
        actor=officer,
        receipt_id=rid,
        data=ReversalIn(value_on=date(2024, 4, 1), reason="bounced"),
    )
    assert (
        service.pledge_status(session, pledge_id=usd, as_at=date(2024, 3, 31)).status == "fulfilled"
    )
    assert service.pledge_status(session, pledge_id=usd, as_at=date(2024, 4, 1)).status == "open"
    # a receipt dated before that reversal cannot settle what the bounced one still
    # settles until then
    with pytest.raises(RuleViolation) as exc:
        receive(
            session,
            officer,
            donor_id=deu,
            value_on=date(2024, 3, 15),
            amount="500.00",
            match=[{"pledge_id": usd, "amount": "500.00"}],
        )
    assert refused(exc) == {"match[0].amount": "at most 0.00 USD is outstanding"}
    auto = receive(session, officer, donor_id=deu, value_on=date(2024, 3, 15), amount="500.00")
    assert service.receipt_out(session, auto).matches == []
    ledger_is_sound(session, date(2024, 3, 31))


def test_auto_matching_converts_currencies_and_leaves_pledges_without_a_rate(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    deu = donors["DEU"]
    eur = pledge(
        session, officer, donor_id=deu, currency="EUR", amount="100.00", pledged_on=date(2024, 1, 5)
    )
    gbp = pledge(
        session, officer, donor_id=deu, currency="GBP", amount="100.00", pledged_on=date(2024, 1, 6)
    )
    usd = pledge(session, officer, donor_id=deu, amount="1000.00", pledged_on=date(2024, 1, 7))
    # USD 200 on 1 March: EUR 100 (worth USD 110) settled, no GBP rate, USD 90 to the USD pledge
    rid = receive(session, officer, donor_id=deu, value_on=date(2024, 3, 1), amount="200.00")
    assert [(m.pledge_id, m.amount) for m in service.receipt_out(session, rid).matches] == [
        (eur, "100.00"),
        (usd, "90.00"),
    ]
    assert service.pledge_status(session, pledge_id=gbp, as_at=date(2024, 12, 31)).status == "open"
    # CHF 100 on 2 March against the USD pledge: at its US dollar value (USD 112.00)
    chf = receive(
        session, officer, donor_id=deu, value_on=date(2024, 3, 2), amount="100.00", currency="CHF"
    )
    assert [(m.pledge_id, m.amount) for m in service.receipt_out(session, chf).matches] == [
        (usd, "112.00")
    ]


def test_validation_of_donors_pledges_and_receipts(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.create_donor(
            session,
            actor=officer,
            data=DonorIn(name="Atlantis", kind=DonorKind.STATE, contact_email="nobody"),
        )
    assert refused(exc) == {
        "state_code": "required for a State donor",
        "contact_email": "not an e-mail address",
    }
    with pytest.raises(ValidationFailed) as exc:
        service.create_donor(
            session,
            actor=officer,
            data=DonorIn(name="Atlantis", kind=DonorKind.STATE, state_code="ATL"),
        )
    assert refused(exc) == {"state_code": "unknown State ATL"}
    with pytest.raises(Conflict):
        service.create_donor(
            session,
            actor=officer,
            data=DonorIn(name="Germany", kind=DonorKind.STATE, state_code="DEU"),
        )
    updated = service.update_donor(
        session,
        actor=officer,
        donor_id=donors["DEU"],
        data=DonorUpdate(language="es", contact_email="x@y.org"),
    )
    assert (updated.language, updated.contact_email, updated.contact_name, updated.updated_by) == (
        "es",
        "x@y.org",
        "Permanent Mission, Geneva",
        "officer",
    )
    assert service.donor_out(updated).reporting_note == "Annual statement in English by 31 March"
    donors_listed, total = service.list_donors(
        session, limit=10, offset=0, kind=DonorKind.ORGANISATION
    )
    assert ([x.name for x in donors_listed], total) == (["Flanders", "Peace Foundation"], 2)
    with pytest.raises(NotFound):
        service.get_donor(session, donor_id=999999)

    with pytest.raises(ValidationFailed) as exc:
        pledge(
            session,
            officer,
            donor_id=999999,
            fund="SEC",
            currency="ABC",
            pledged_on=date(2099, 1, 1),
        )
    assert refused(exc) == {
        "donor_id": "unknown donor 999999",
        "fund": "a voluntary fund (e.g. VTF, SPP)",
        "currency": "unknown currency",
        "pledged_on": "a pledge cannot be dated in the future",
    }
    with pytest.raises(ValidationFailed) as exc:
        pledge(session, officer, donor_id=donors["DEU"], amount="0")
    assert refused(exc) == {"amount": "must be > 0"}
    with pytest.raises(ValidationFailed) as exc:
        receive(
            session,
            officer,
            donor_id=donors["DEU"],
            value_on=utctoday().replace(year=utctoday().year + 1),
            fund="WCF",
        )
    assert refused(exc) == {
        "fund": "a voluntary fund (e.g. VTF, SPP)",
        "value_on": "a receipt cannot be dated in the future",
    }
    with pytest.raises(ValidationFailed) as exc:
        receive(session, officer, donor_id=donors["DEU"], value_on=date(2023, 6, 1), currency="EUR")
    assert refused(exc) == {"usd_amount": "required: no EUR rate on 2023-06-01"}
    # a closed period refuses receipts and disbursements dated in it
    close_period(session, actor=officer, fund_code="VTF", year=2023, reference="closed")
    with pytest.raises(RuleViolation) as exc:
        receive(session, officer, donor_id=donors["DEU"], value_on=date(2023, 6, 1))
    assert refused(exc) == {"value_on": "2023 is closed for fund VTF"}


def test_disbursement_rules(session: Session, officer: Actor, donors: dict[str, int]) -> None:
    deu = donors["DEU"]
    receive(session, officer, donor_id=deu, value_on=date(2024, 3, 1), amount="1000.00")
    # a payment already recorded on 10 March needs 800 of the 1,000
    pay(session, officer, fund="VTF", value_on=date(2024, 3, 10), amount="800.00")
    # so one dated 5 March may take only 200 (the least balance from its date on)
    with pytest.raises(RuleViolation) as exc:
        pay(session, officer, fund="VTF", value_on=date(2024, 3, 5), amount="200.01")
    assert refused(exc) == {"amount": "at most 200.00"}
    # in euros the limit is still given in US dollars
    with pytest.raises(RuleViolation) as exc:
        pay(
            session, officer, fund="VTF", value_on=date(2024, 3, 5), amount="200.00", currency="EUR"
        )
    assert refused(exc) == {"amount": "at most 200.00 US dollars"}
    # before any money came in there is nothing to pay with
    with pytest.raises(RuleViolation) as exc:
        pay(session, officer, fund="VTF", value_on=date(2024, 2, 28), amount="0.01")
    assert refused(exc) == {"amount": "at most 0.00"}
    small = pay(session, officer, fund="VTF", value_on=date(2024, 3, 5), amount="100.00")
    # EUR 1.00 at 1.10 on 20 March leaves 98.90; the bank's higher figure for it needs
    # money the pool does not have until the small payment comes back
    eur = pay(
        session, officer, fund="VTF", value_on=date(2024, 3, 20), amount="1.00", currency="EUR"
    )
    with pytest.raises(RuleViolation, match="higher figure") as exc:
        service.confirm_disbursement_usd(
            session,
            actor=officer,
            disbursement_id=eur,
            usd_amount="100.01",
            value_on=date(2024, 3, 21),
        )
    assert refused(exc) == {"usd_amount": "at most 98.90"}
    with pytest.raises(RuleViolation, match="already carries"):
        service.confirm_disbursement_usd(
            session,
            actor=officer,
            disbursement_id=small,
            usd_amount="1.00",
            value_on=date(2024, 3, 21),
        )
    service.reverse_disbursement(
        session,
        actor=officer,
        disbursement_id=small,
        data=ReversalIn(value_on=date(2024, 3, 21), reason="returned"),
    )
    confirmation = service.confirm_disbursement_usd(
        session, actor=officer, disbursement_id=eur, usd_amount="100.01", value_on=date(2024, 3, 21)
    )
    assert confirmation.difference_minor == 9891
    assert account(session, "VTF.exchange_gain_loss") == 9891
    assert service.disbursement_out(session, eur).usd_confirmed == "100.01"
    with pytest.raises(Conflict):
        service.reverse_disbursement(
            session,
            actor=officer,
            disbursement_id=small,
            data=ReversalIn(value_on=date(2024, 3, 21), reason="again"),
        )
    with pytest.raises(ValidationFailed) as exc:
        service.reverse_disbursement(
            session,
            actor=officer,
            disbursement_id=eur,
            data=ReversalIn(value_on=date(2024, 3, 20), reason="x"),
        )
    assert refused(exc) == {"value_on": "on or after 2024-03-21"}
    service.reverse_disbursement(
        session,
        actor=officer,
        disbursement_id=eur,
        data=ReversalIn(value_on=date(2024, 3, 22), reason="returned"),
    )
    assert [b.available_minor for b in service.balances(session, as_at=date(2024, 3, 22))] == [
        20000
    ]
    # a project or sponsorship gives its fund and earmark; other kinds name theirs
    with pytest.raises(ValidationFailed) as exc:
        pay(
            session,
            officer,
            kind=DisbursementKind.OTHER,
            value_on=date(2024, 3, 5),
            project_id=1,
            tranche=2,
        )
    assert refused(exc) == {
        "project_id": "only a project tranche names a project",
        "tranche": "only a project tranche has a tranche number",
        "fund": "required",
    }
    project = service.create_project(
        session,
        actor=officer,
        data=ProjectIn(
            code="P1",
            title="t",
            grantee="g",
            approved_on=date(2024, 3, 1),
            approved_amount="100.00",
            reference="r",
        ),
    )
    with pytest.raises(ValidationFailed) as exc:
        pay(
            session,
            officer,
            kind="project_tranche",
            project_id=project.id,
            fund="SPP",
            earmark="x",
            value_on=date(2024, 2, 1),
        )
    assert refused(exc) == {
        "fund": "the project is paid from fund VTF",
        "earmark": "the project is paid from unearmarked VTF money",
        "value_on": "a tranche is paid on or after the approval (2024-03-01)",
    }
    service.set_project_status(
        session, actor=officer, project_id=project.id or 0, status=ProjectStatus.CANCELLED
    )
    with pytest.raises(RuleViolation, match="cancelled"):
        pay(
            session,
            officer,
            kind="project_tranche",
            project_id=project.id,
            value_on=date(2024, 3, 25),
        )
    ledger_is_sound(session, date(2024, 3, 20))


def test_a_named_project_fund_is_a_voluntary_fund_of_its_own(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    create_fund(
        session,
        actor=officer,
        data=FundCreate(code="PRJ_SALW", name="Small arms project", kind=FundKind.VOLUNTARY),
    )
    receive(
        session,
        officer,
        donor_id=donors["FDN"],
        fund="prj_salw",
        value_on=date(2024, 4, 1),
        amount="300.00",
    )
    with pytest.raises(RuleViolation):  # VTF money does not pay for it, nor the reverse
        pay(session, officer, fund="VTF", value_on=date(2024, 4, 2), amount="1.00")
    pay(session, officer, fund="PRJ_SALW", value_on=date(2024, 4, 2), amount="300.00")
    assert [
        (b.fund, b.available_minor) for b in service.balances(session, as_at=date(2024, 4, 30))
    ] == [("PRJ_SALW", 0)]
    assert {r.fund for r in service.reconcile(session, as_at=date(2024, 4, 30))} == {
        "VTF",
        "SPP",
        "PRJ_SALW",
    }
    ledger_is_sound(session, date(2024, 4, 1))


def test_a_lower_bank_figure_on_money_already_spent_is_refused(
    session: Session, officer: Actor, donors: dict[str, int]
) -> None:
    rid = receive(
        session,
        officer,
        donor_id=donors["DEU"],
        value_on=date(2024, 8, 1),
        amount="1000.00",
        currency="EUR",
    )
    pay(session, officer, fund="VTF", value_on=date(2024, 8, 2), amount="1080.00")
    with pytest.raises(RuleViolation, match="lower figure") as exc:
        service.confirm_receipt_usd(
            session, actor=officer, receipt_id=rid, usd_amount="1079.99", value_on=date(2024, 8, 3)
        )
    assert refused(exc) == {"usd_amount": "at most 0.00"}
    service.confirm_receipt_usd(
        session, actor=officer, receipt_id=rid, usd_amount="1080.50", value_on=date(2024, 8, 3)
    )
    assert account(session, "VTF.exchange_gain_loss") == -50
    assert [b.available_minor for b in service.balances(session, as_at=date(2024, 8, 3))] == [50]
    ledger_is_sound(session, date(2024, 8, 2))


# --- voluntary money never changes what a State owes -----------------------------------


def test_voluntary_receipts_never_change_a_states_assessed_balance(
    assessed: Session, officer: Actor
) -> None:
    session = assessed
    rates(session, officer)
    codes = ["FRA", "DEU", "ITA", "ESP", "USA", "GHA"]

    def picture() -> dict[str, Any]:
        return {
            code: (
                statement(
                    session, state_code=code, from_on=date(2024, 1, 1), as_at=date(2025, 12, 31)
                ),
                owed(session, code),
                credit_held(session, code),
            )
            for code in codes
        }

    before = picture()
    assert before["FRA"][1] == {("SEC", 2024): 2000000, ("CSP", 2024): 100000}
    france = service.create_donor(
        session, actor=officer, data=DonorIn(name="France", kind=DonorKind.STATE, state_code="FRA")
    )
    # an organisation carrying Germany's code (a German foundation)
    german = service.create_donor(
        session,
        actor=officer,
        data=DonorIn(name="Stiftung Frieden", kind=DonorKind.ORGANISATION, state_code="DEU"),
    )
    fr = france.id or 0
    pledge(session, officer, donor_id=fr, amount="30000.00", pledged_on=date(2024, 2, 1))
    first = receive(session, officer, donor_id=fr, value_on=date(2024, 3, 1), amount="20000.00")
    receive(
        session,
        officer,
        donor_id=fr,
        fund="SPP",
        value_on=date(2024, 3, 2),
        amount="5000.00",
        currency="EUR",
    )
    euros = receive(
        session,
        officer,
        donor_id=german.id,
        value_on=date(2024, 3, 3),
        amount="7000.00",
        currency="EUR",
    )
    service.confirm_receipt_usd(
        session, actor=officer, receipt_id=euros, usd_amount="7777.77", value_on=date(2024, 3, 5)
    )
    pay(session, officer, fund="VTF", value_on=date(2024, 4, 1), amount="1000.00")
    service.reverse_receipt(
        session,
        actor=officer,
        receipt_id=first,
        data=ReversalIn(value_on=date(2024, 5, 1), reason="bounced"),
    )
    session.commit()
    # France's voluntary money carries its code on the VTF's postings, and nothing else
    assert account(session, "VTF.bank") == 777777 - 100000
    assert before == picture()
    assert all(r.agrees for r in service.reconcile(session, as_at=date(2025, 12, 31)))
    ledger_is_sound(session, date(2024, 3, 31))
