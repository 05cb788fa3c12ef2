"""Spending and the year-end close in the web interface, on the demo and both databases:
an expenditure recorded on the page moves its line's execution by exactly its amount and
is recorded once when the form is sent again; a commitment is recorded, paid against and
its remainder cancelled; the surplus and the simulation on the year-end page are the
service's; a close proposed by one officer is refused to the same officer with a clear
reason and approved by a second one, then the CSP's decision is recorded once; the
Management Committee reads every page and cannot write. In the browser, an officer
records an expenditure by the form's labels and sees the line's spending go up by it,
then opens the commitments and the year-end simulation, at 1280 and 390 px."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from api.web.pages import grouped
from finance_core.close import service as close
from finance_core.close import surplus as pure
from finance_core.close.models import YearClose
from finance_core.db_types import utctoday
from finance_core.expenditures import service as spending
from finance_core.expenditures.models import Expenditure
from finance_core.expenditures.schemas import ExecutionLineOut
from finance_core.ledger.models import ClosedPeriod
from finance_core.money import parse_minor
from tests.fixtures_web import WebDemo, at_each_width, shot
from tests.web_helpers import form_csrf

PAID_ON = "2026-09-30"  # the demo's date: in the 2026 budget year, an open period


def _line(web_demo: WebDemo, code: str = "SEC-04") -> ExecutionLineOut:
    """The 2026 line ``code`` of the Secretariat fund as the service shows it today."""
    with Session(web_demo.engine) as s:
        report = spending.execution(s, as_at=utctoday(), fund="SEC", year=2026)
    return next(x for x in report.lines if x.line_code == code)


def _count(web_demo: WebDemo, model: Any, *where: Any) -> int:
    with Session(web_demo.engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def _key(html: str, action: str) -> str:
    """The idempotency key of the form posting to ``action``."""
    form = re.search(rf'action="{re.escape(action)}".*?name="key" value="([^"]+)"', html, re.S)
    assert form, action
    return form.group(1)


def _cents(text: str) -> int:
    return parse_minor(text.replace(",", ""))


def test_an_expenditure_and_a_commitment_move_the_execution_exactly(web_demo: WebDemo) -> None:
    officer = web_demo.client("officer")
    before = _line(web_demo)
    line = before.budget_line_id
    page = officer.get("/app/expenditures", params={"fund": "SEC", "year": "2026"})
    assert page.status_code == 200
    for figure in ("revised", "commitments", "actual", "available"):  # the service's figures
        cell = {"revised": "budget", "commitments": "committed", "actual": "spent"}.get(figure)
        assert f'id="{cell or figure}-{line}">{grouped(getattr(before, figure))}' in page.text
    fields = {
        "csrf_token": form_csrf(page.text),
        "key": _key(page.text, "/app/expenditures"),
        "budget_line_id": str(line),
        "value_on": PAID_ON,
        "amount": "1234.56",
        "currency": "USD",
        "category": "travel",
        "payee": "Web test travel agency",
        "reference": "WEB-EXP-1",
        "view_fund": "SEC",
        "view_year": "2026",
    }
    first = officer.post("/app/expenditures", data=fields, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = officer.post("/app/expenditures", data=fields, follow_redirects=False)  # resent
    assert again.status_code == 303 and again.headers["location"] == first.headers["location"]
    assert _count(web_demo, Expenditure, col(Expenditure.reference) == "WEB-EXP-1") == 1
    after = _line(web_demo)
    assert _cents(after.actual) - _cents(before.actual) == 123456
    assert _cents(before.available) - _cents(after.available) == 123456
    shown = officer.get(first.headers["location"])
    assert "Web test travel agency was paid 1,234.56 USD" in shown.text
    assert f'id="spent-{line}">{grouped(after.actual)}' in shown.text

    # refused input comes back on the form, as typed, and writes nothing
    bad = {**fields, "key": "another-key", "amount": "12,5x", "reference": "WEB-EXP-2"}
    refused = officer.post("/app/expenditures", data=bad)
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert 'value="12,5x"' in refused.text and 'value="WEB-EXP-2"' in refused.text
    twice = officer.post("/app/expenditures", data={**fields, "key": "third-key"})
    assert twice.status_code == 422 and "already used by expenditure" in twice.text
    assert _count(web_demo, Expenditure, col(Expenditure.reference).like("WEB-EXP-%")) == 1

    # a commitment: recorded once, paid in part against it, its remainder cancelled
    listing = officer.get("/app/commitments", params={"fund": "SEC", "year": "2026"})
    commitment = {
        "csrf_token": form_csrf(listing.text),
        "key": _key(listing.text, "/app/commitments"),
        "budget_line_id": str(line),
        "committed_on": PAID_ON,
        "amount": "5000.00",
        "currency": "USD",
        "payee": "Web test printer",
        "reference": "WEB-PO-1",
    }
    made = officer.post("/app/commitments", data=commitment, follow_redirects=False)
    assert made.status_code == 303
    assert officer.post("/app/commitments", data=commitment).url.path == made.headers["location"]
    number = int(made.headers["location"].rsplit("/", 1)[1])
    committed = _line(web_demo)
    assert _cents(committed.commitments) - _cents(after.commitments) == 500000
    pay = officer.get("/app/expenditures", params={"commitment": str(number)})
    assert f'<option value="{number}" selected>' in pay.text and 'value="5000.00"' in pay.text
    paid = officer.post(
        "/app/expenditures",
        data={
            **fields,
            "key": _key(pay.text, "/app/expenditures"),
            "amount": "2000.00",
            "reference": "WEB-INV-1",
            "commitment_id": str(number),
        },
        follow_redirects=False,
    )
    assert paid.status_code == 303
    page = officer.get(f"/app/commitments/{number}")
    assert 'id="liquidated">2,000.00' in page.text and 'id="open">3,000.00' in page.text
    action = f"/app/commitments/{number}/cancellation"
    cancel = {
        "csrf_token": form_csrf(page.text),
        "key": _key(page.text, action),
        "cancellation.cancelled_on": PAID_ON,
        "cancellation.reason": "Printing done for less",
    }
    assert officer.post(action, data=cancel, follow_redirects=False).status_code == 303
    assert officer.post(action, data=cancel, follow_redirects=False).status_code == 303  # once
    page = officer.get(f"/app/commitments/{number}")
    assert "Cancelled: 5,000.00 USD" in page.text and 'id="open">0.00' in page.text
    final = _line(web_demo)
    assert final.commitments == after.commitments  # nothing of it is open any more
    assert _cents(final.actual) - _cents(after.actual) == 200000


def test_the_simulation_on_the_page_is_the_services(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    page = member.get("/app/year-end", params={"fund": "SEC", "year": "2025", "split": "40"})
    assert page.status_code == 200 and "2025 of fund SEC is open" in page.text
    with Session(web_demo.engine) as s:
        figures = close.surplus_out(s, fund="SEC", year=2025).figures
        split = pure.option_for_split("split_40_percent", pure.Part(percent=Fraction(40)), None)
        expected = close.simulation_out(
            close.simulation(s, fund="SEC", year=2025, as_at=utctoday(), options=[split])
        )
    accrual = re.search(r'<table id="accrual">.*?</table>', page.text, re.S)
    assert accrual
    cells = re.findall(r'<td class="num"[^>]*>([^<]+)</td>', accrual.group(0))
    assert cells == [
        grouped(getattr(figures, k))
        for k in (
            "assessed_revenue",
            "voluntary_revenue",
            "other_revenue",
            "exchange_gain_loss",
            "write_off",
            "expenditure",
            "surplus",
        )
    ]
    assert _cents(figures.surplus) > 0 and expected.surplus == figures.surplus
    assert len(expected.outcomes) == 4
    for outcome in expected.outcomes:
        row = re.search(rf'<tr data-option="{outcome.name}">(.*?)</tr>', page.text, re.S)
        assert row, outcome.name
        shown = re.findall(r'<td class="num"[^>]*>([^<]+)</td>', row.group(1))
        assert shown == [
            grouped(outcome.to_states),
            grouped(outcome.to_reserve),
            grouped(outcome.retained),
            grouped(outcome.reserve_balance_after),
            outcome.months_covered_after or "–",
        ]
    # the split: 40 % to the States, the rest to the reserve, to the cent
    last = expected.outcomes[-1]
    assert _cents(last.to_states) + _cents(last.to_reserve) == _cents(figures.surplus)


def test_a_close_needs_a_second_officer(web_demo: WebDemo) -> None:
    officer, checker = web_demo.client("officer"), web_demo.client("checker")
    where = {"fund": "CSP", "year": "2025"}
    page = officer.get("/app/year-end", params=where)
    proposal = {
        "csrf_token": form_csrf(page.text),
        "key": _key(page.text, "/app/year-end/CSP/2025/close"),
        "proposal_note": "Accounts reconciled",
    }
    for _ in range(2):  # sent twice: proposed once
        sent = officer.post("/app/year-end/CSP/2025/close", data=proposal, follow_redirects=False)
        assert sent.status_code == 303
    years = (col(YearClose.fund_code) == "CSP", col(YearClose.year) == 2025)
    assert _count(web_demo, YearClose, *years) == 1
    page = officer.get("/app/year-end", params=where)
    assert "Proposed for closing</strong> by officer" in page.text
    assert "You proposed this close: a second finance officer must approve it." in page.text
    assert "/approval" not in page.text  # no approval form for the proposer
    with Session(web_demo.engine) as s:
        proposed = close.current_close(s, fund="CSP", year=2025)
        assert proposed is not None and proposed.id is not None
        number = proposed.id
    action = f"/app/year-end/closes/{number}/approval"
    own = officer.post(
        action,
        data={"csrf_token": proposal["csrf_token"], "key": "k1", "approval_reference": "X/1"},
    )
    assert own.status_code == 403
    assert f"officer proposed close {number}: a second finance officer must approve it" in own.text
    assert (
        _count(
            web_demo,
            ClosedPeriod,
            col(ClosedPeriod.fund_code) == "CSP",
            col(ClosedPeriod.year) == 2025,
        )
        == 0
    )

    second = checker.get("/app/year-end", params=where)
    assert f'action="{action}"' in second.text and "Approve and close 2025" in second.text
    approval = {
        "csrf_token": form_csrf(second.text),
        "key": _key(second.text, action),
        "approval_reference": "ATT/SEC/FIN/CLOSE/2025/CSP",
    }
    assert checker.post(action, data=approval, follow_redirects=False).status_code == 303
    assert checker.post(action, data=approval, follow_redirects=False).status_code == 303  # once
    with Session(web_demo.engine) as s:
        assert s.get(ClosedPeriod, ("CSP", 2025)) is not None
        done = close.current_close(s, fund="CSP", year=2025)
        assert done is not None and (done.proposed_by, done.approved_by) == ("officer", "checker")
        surplus = done.surplus_minor
    page = officer.get("/app/year-end", params=where)
    assert "<strong>Closed.</strong> Proposed by officer, approved by checker" in page.text

    # the CSP's decision, recorded once with its reference
    decision_action = "/app/year-end/CSP/2025/surplus-decision"
    decision = {
        "csrf_token": form_csrf(page.text),
        "key": _key(page.text, decision_action),
        "decided_on": utctoday().isoformat(),
        "reference": "ATT/CSP12/2026/DEC.WEB",
        "option": "to_reserve",
        "credit_rule": "pro_rata_assessed",
    }
    early = officer.post(decision_action, data={**decision, "decided_on": "2025-06-30"})
    assert early.status_code == 422 and "after 31 December 2025" in early.text
    for _ in range(2):
        sent = officer.post(decision_action, data=decision, follow_redirects=False)
        assert sent.status_code == 303
    with Session(web_demo.engine) as s:
        decided = close.list_decisions(s, fund="CSP", year=2025)
    assert [(d.reference, d.to_reserve_minor) for d in decided] == [
        ("ATT/CSP12/2026/DEC.WEB", surplus)
    ]
    assert "Decided on" in officer.get("/app/year-end", params=where).text


def test_the_committee_reads_every_page_and_writes_nothing(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    counts = (_count(web_demo, Expenditure), _count(web_demo, YearClose))
    pages = {
        "/app/expenditures": "Budget execution",
        "/app/expenditures/1": "Expenditure 1",
        "/app/commitments": "Commitments",
        "/app/commitments/1": "Commitment 1",
        "/app/year-end": "Year-end close",
    }
    for path, heading in pages.items():
        page = member.get(path)
        assert page.status_code == 200 and heading in page.text, path
        assert 'method="post" action="/app/' not in page.text.replace('action="/app/sign-out"', "")
    csrf = form_csrf(member.get("/app/expenditures").text)
    for path in (
        "/app/expenditures",
        "/app/commitments",
        "/app/commitments/1/cancellation",
        "/app/expenditures/1/reversal",
        "/app/year-end/SEC/2025/close",
        "/app/year-end/SEC/2025/surplus-decision",
    ):
        refused = member.post(path, data={"csrf_token": csrf, "key": "k"})
        assert refused.status_code == 403, path
    assert (_count(web_demo, Expenditure), _count(web_demo, YearClose)) == counts
    assert web_demo.client("keeper").get("/app/expenditures").status_code == 403


def test_spending_and_the_year_end_in_the_browser(web_demo: WebDemo, browser: Any) -> None:
    """Record an expenditure by the form's labels and see the line's spending go up by
    exactly its amount; open the commitments and the year-end simulation."""
    url = web_demo.url()
    line = _line(web_demo).budget_line_id
    with Session(web_demo.engine) as s:
        surplus = close.surplus_out(s, fund="SEC", year=2025).figures.surplus
    amounts = {1280: "1280.10", 390: "390.20"}

    def journey(page: Any, width: int) -> None:
        page.get_by_role("link", name="Spending", exact=True).click()  # the latest budget year
        page.wait_for_url(url + "/app/expenditures")
        before = Decimal(page.locator(f"#spent-{line}").inner_text().replace(",", ""))
        shot(page, web_demo.dialect, "expenditures", width)
        page.get_by_label("Budget line charged").select_option(str(line))
        page.get_by_label("Date paid").fill(PAID_ON)
        page.get_by_label("Amount paid").fill(amounts[width])
        page.get_by_label("Category").select_option("operating_expenses")
        page.get_by_label("Payee", exact=True).fill("Web browser stationery")
        page.get_by_label("Invoice or bank reference").fill(f"WEB-BROWSER-{width}")
        page.get_by_role("button", name="Record the expenditure").click()
        page.wait_for_url(re.compile(r".*/app/expenditures/\d+$"))
        assert f"WEB-BROWSER-{width}" in page.get_by_role("status").inner_text()
        after = Decimal(page.locator(f"#spent-{line}").inner_text().replace(",", ""))
        assert after - before == Decimal(amounts[width])
        page.goto(url + "/app/commitments?fund=SEC&year=2026")
        assert page.locator("h1").inner_text() == "Commitments"
        shot(page, web_demo.dialect, "commitments", width)
        page.goto(url + "/app/year-end?fund=SEC&year=2025")
        assert page.locator("#surplus-amount").inner_text() == grouped(surplus)
        assert page.locator("tr[data-option]").count() == 3
        shot(page, web_demo.dialect, "year-end", width)

    at_each_width(browser, url, "officer", journey)
    assert _count(web_demo, Expenditure, col(Expenditure.reference).like("WEB-BROWSER-%")) == 2
