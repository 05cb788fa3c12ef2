"""The reserve and the voluntary funds in the web interface, on the demo and both
databases: a reserve movement recorded on its form changes the figures on the reserve's
page by exactly its amount (once, even when the form is sent again), and they are the
service's; a pledge and a receipt against it change pledged and received as the service
reports them; refused input comes back on its form (422) and writes nothing; the
Management Committee reads every page without the forms and its writes are refused; and
a finance officer records a pledge and a receipt in the browser at both widths."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.db_types import utctoday
from finance_core.money import format_minor
from finance_core.reserve import service as reserve
from finance_core.reserve.models import ReserveMovement
from finance_core.voluntary import queries
from finance_core.voluntary import service as voluntary
from finance_core.voluntary.models import Donor, Pledge, VoluntaryReceipt
from tests.fixtures_web import WebDemo, at_each_width, shot
from tests.web_helpers import form_csrf

DONOR = "Germany"  # pledges in euros in the demo


def _amount(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ""))


def _grouped(amount: str) -> str:
    return f"{Decimal(amount):,}"


def _form(client: TestClient, path: str) -> dict[str, str]:
    """The CSRF token and idempotency key of the form at ``path``."""
    page = client.get(path)
    assert page.status_code == 200, path
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key, path
    return {"csrf_token": form_csrf(page.text), "key": key.group(1)}


def _figure(html: str, name: str) -> Decimal:
    found = re.search(rf'id="{name}">([^<]+)<', html)
    assert found, name
    return _amount(found.group(1))


def _pledge_row(html: str, fund: str, currency: str) -> list[Decimal]:
    """The overview's pledges of ``fund`` in ``currency``: count, pledged, received,
    withdrawn, outstanding, still open (zeros when there are none)."""
    row = re.search(rf'<tr data-fund="{fund}" data-currency="{currency}">(.*?)</tr>', html)
    if row is None:
        return [Decimal(0)] * 6
    return [_amount(c) for c in re.findall(r'<td class="num">([^<]+)</td>', row.group(1))]


def _fund_row(html: str, fund: str) -> list[Decimal]:
    """The overview's money of ``fund``: received, disbursed, balance (US$)."""
    row = re.search(rf'<tr data-fund="{fund}"><th scope="row">.*?</th>(.*?)</tr>', html)
    assert row, fund
    return [_amount(c) for c in re.findall(r'<td class="num">([^<]+)</td>', row.group(1))]


def _count(web_demo: WebDemo, model: Any, column: Any, value: str) -> int:
    with Session(web_demo.engine) as s:
        query = select(func.count()).select_from(model).where(col(column) == value)
        return int(s.execute(query).scalar_one())


def test_a_reserve_movement_changes_the_reserve_once(web_demo: WebDemo) -> None:
    officer = web_demo.client("officer")
    today = utctoday().isoformat()
    before = officer.get("/app/reserve").text
    balance, available = _figure(before, "reserve-balance"), _figure(before, "reserve-available")
    reference = f"WEB-WCF-{web_demo.dialect}"
    fields = {
        **_form(officer, "/app/reserve/movements/new"),
        "kind": "contribution",
        "amount": "1234.56",
        "value_on": today,
        "state_code": "FRA",
        "reference": reference,
    }
    first = officer.post("/app/reserve/movements", data=fields, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = officer.post("/app/reserve/movements", data=fields, follow_redirects=False)
    assert again.headers["location"] == first.headers["location"]  # the same form: once
    assert _count(web_demo, ReserveMovement, ReserveMovement.reference, reference) == 1
    page = officer.get(first.headers["location"]).text
    assert "Recorded: contribution of US$ 1,234.56" in page and reference in page
    assert _figure(page, "reserve-balance") == balance + Decimal("1234.56")
    assert _figure(page, "reserve-available") == available + Decimal("1234.56")
    # a draw-down is an advance: what is available goes down, the balance stays
    drawn = {
        **_form(officer, "/app/reserve/movements/new"),
        "kind": "draw_down",
        "amount": "1000.00",
        "value_on": today,
        "fund": "SEC",
        "reference": f"MC decision {web_demo.dialect}",
    }
    assert officer.post("/app/reserve/movements", data=drawn).status_code == 200  # followed
    page = officer.get("/app/reserve").text
    assert _figure(page, "reserve-balance") == balance + Decimal("1234.56")
    assert _figure(page, "reserve-available") == available + Decimal("234.56")
    with Session(web_demo.engine) as s:
        out = reserve.position_out(reserve.position(s, as_at=utctoday()))
    assert f'id="reserve-balance">{_grouped(out.balance)}<' in page
    assert f'id="reserve-target">{_grouped(out.target or "0")}<' in page
    assert f'id="reserve-months">{out.months_covered}<' in page
    # beyond what is available: the form again, as typed, with the service's limit
    too_much = {**drawn, **_form(officer, "/app/reserve/movements/new"), "amount": "99999999.00"}
    refused = officer.post("/app/reserve/movements", data=too_much)
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert f"at most {_amount(out.available)}" in refused.text.replace(",", "")
    assert 'value="99999999.00"' in refused.text
    assert _count(web_demo, ReserveMovement, ReserveMovement.reference, drawn["reference"]) == 1
    # a target rule adopted by a decision, in force from its date
    rule = {
        **_form(officer, "/app/reserve/rules/new"),
        "effective_from": "2099-01-01",
        "basis": "months_of_spending",
        "months": "",
        "reference": f"CSP decision {web_demo.dialect}",
    }
    missing = officer.post("/app/reserve/rules", data={**rule, "budget_funds": ["SEC", "CSP"]})
    assert missing.status_code == 422 and "required for a months_of_spending rule" in missing.text
    done = officer.post(
        "/app/reserve/rules",
        data={**rule, "months": "4", "budget_funds": ["SEC", "CSP"]},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/app/reserve?rule=")
    page = officer.get(done.headers["location"]).text
    assert "4 months of the planned spending of SEC and CSP" in page
    assert "the target rule in force from 2099-01-01" in page


def test_a_pledge_and_a_receipt_against_it(web_demo: WebDemo) -> None:
    officer = web_demo.client("officer")
    with Session(web_demo.engine) as s:
        donor = s.execute(select(Donor).where(col(Donor.name) == DONOR)).scalar_one()
    before = officer.get("/app/voluntary").text
    pledged_before = _pledge_row(before, "VTF", "EUR")
    money_before = _fund_row(before, "VTF")
    earmark = f"web {web_demo.dialect}"
    pledge = {
        **_form(officer, f"/app/voluntary/pledges/new?donor_id={donor.id}"),
        "donor_id": str(donor.id),
        "pledged_on": utctoday().isoformat(),
        "fund": "VTF",
        "earmark": earmark,
        "currency": "EUR",
        "amount": "10000.00",
        "reference": f"Letter {earmark}",
    }
    first = officer.post("/app/voluntary/pledges", data=pledge, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = officer.post("/app/voluntary/pledges", data=pledge, follow_redirects=False)
    assert again.headers["location"] == first.headers["location"]
    assert _count(web_demo, Pledge, Pledge.earmark, earmark) == 1
    pledge_id = int(first.headers["location"].split("?")[0].rsplit("/", 1)[1])
    after = officer.get("/app/voluntary").text
    delta = [a - b for a, b in zip(_pledge_row(after, "VTF", "EUR"), pledged_before, strict=True)]
    assert delta == [1, Decimal("10000.00"), 0, 0, Decimal("10000.00"), 1]
    # a receipt against it: the form comes with the pledge's donor, fund and currency
    form = officer.get(f"/app/voluntary/receipts/new?pledge_id={pledge_id}").text
    assert f'<option value="{pledge_id}" selected>' in form
    assert f'value="{earmark}"' in form and 'name="currency" type="text" value="EUR"' in form
    receipt = {
        **_form(officer, f"/app/voluntary/receipts/new?pledge_id={pledge_id}"),
        "donor_id": str(donor.id),
        "value_on": utctoday().isoformat(),
        "fund": "VTF",
        "earmark": earmark,
        "amount": "4000.00",
        "currency": "EUR",
        "usd_amount": "4400.00",
        "bank_reference": f"WEB-VR-{web_demo.dialect}",
        "match": str(pledge_id),
        "match_amount": "4000.00",
    }
    too_much = officer.post("/app/voluntary/receipts", data={**receipt, "match_amount": "20000"})
    assert too_much.status_code == 422 and "at most 10000.00 EUR is outstanding" in too_much.text
    assert 'id="match_amount-error"' in too_much.text
    done = officer.post("/app/voluntary/receipts", data=receipt, follow_redirects=False)
    assert done.status_code == 303, done.text
    again = officer.post("/app/voluntary/receipts", data=receipt, follow_redirects=False)
    assert again.headers["location"] == done.headers["location"]
    reference = receipt["bank_reference"]
    assert _count(web_demo, VoluntaryReceipt, VoluntaryReceipt.bank_reference, reference) == 1
    assert "Recorded: Germany gave 4,000.00 EUR" in officer.get(done.headers["location"]).text
    with Session(web_demo.engine) as s:
        out = voluntary.pledge_out(s, pledge_id)
        totals = {(t.fund, t.currency): t for t in queries.pledge_totals(s, as_at=utctoday())}
    assert (out.received, out.outstanding, out.status) == ("4000.00", "6000.00", "partly_received")
    page = officer.get(f"/app/voluntary/pledges/{pledge_id}").text
    assert f'id="pledge-received">{_grouped(out.received)}<' in page
    assert f'id="pledge-outstanding">{_grouped(out.outstanding)}<' in page
    assert reference in page  # the receipt is listed as an instalment
    final = officer.get("/app/voluntary").text
    row = _pledge_row(final, "VTF", "EUR")
    assert row[2] - pledged_before[2] == Decimal("4000.00")
    assert row[1] == Decimal(format_minor(totals[("VTF", "EUR")].pledged_minor))
    assert [a - b for a, b in zip(_fund_row(final, "VTF"), money_before, strict=True)] == [
        Decimal("4400.00"),
        0,
        Decimal("4400.00"),
    ]
    donor_page = officer.get(f"/app/voluntary/donors/{donor.id}").text
    assert f'data-pledge="{pledge_id}"' in donor_page and reference in donor_page
    # a donor is recorded once; the same name again is refused on the form
    name = f"Web donor {web_demo.dialect}"
    new = {**_form(officer, "/app/voluntary/donors/new"), "name": name, "kind": "organisation"}
    made = officer.post("/app/voluntary/donors", data=new, follow_redirects=False)
    assert made.status_code == 303
    assert (
        officer.post("/app/voluntary/donors", data=new, follow_redirects=False).headers["location"]
        == made.headers["location"]
    )
    twice = officer.post(
        "/app/voluntary/donors", data={**new, **_form(officer, "/app/voluntary/donors/new")}
    )
    assert twice.status_code == 422 and "taken" in twice.text
    assert _count(web_demo, Donor, Donor.name, name) == 1


def test_the_committee_reads_and_cannot_write(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    with Session(web_demo.engine) as s:
        pledge_id = s.execute(select(func.min(col(Pledge.id)))).scalar_one()
        movements = s.execute(select(func.count()).select_from(ReserveMovement)).scalar_one()
        pledges = s.execute(select(func.count()).select_from(Pledge)).scalar_one()
    pages = [
        "/app/reserve",
        "/app/voluntary",
        "/app/voluntary/donors",
        "/app/voluntary/donors/1",
        "/app/voluntary/pledges?status=open",
        f"/app/voluntary/pledges/{pledge_id}",
        "/app/voluntary/receipts",
        "/app/voluntary/receipts/1",
        "/app/voluntary/projects",
        "/app/voluntary/sponsorships",
        "/app/voluntary/disbursements",
    ]
    for path in pages:
        page = member.get(path)
        assert page.status_code == 200, path
        assert "/new" not in page.text and "Record a" not in page.text, path
    csrf = form_csrf(member.get("/app/password").text)
    for path in (
        "/app/reserve/movements",
        "/app/reserve/rules",
        "/app/voluntary/donors",
        "/app/voluntary/pledges",
        "/app/voluntary/receipts",
    ):
        refused = member.post(
            path,
            data={"csrf_token": csrf, "kind": "contribution", "amount": "1.00", "donor_id": "1"},
        )
        assert refused.status_code == 403, path
    assert member.get("/app/reserve/movements/new").status_code == 403
    assert web_demo.client("keeper").get("/app/reserve").status_code == 403
    assert web_demo.client("keeper").get("/app/voluntary").status_code == 403
    with Session(web_demo.engine) as s:
        assert (
            s.execute(select(func.count()).select_from(ReserveMovement)).scalar_one() == movements
        )
        assert s.execute(select(func.count()).select_from(Pledge)).scalar_one() == pledges


def test_a_pledge_and_its_receipt_in_the_browser(web_demo: WebDemo, browser: Any) -> None:
    """Record a pledge, then a receipt against it from the pledge's page, and see what
    was received and is outstanding change; the donor's page, the overview and the
    reserve; at 1280 and 390 px (each width its own pledge)."""

    def journey(page: Any, width: int) -> None:
        earmark = f"browser {width}"
        page.get_by_role("link", name="Voluntary funds", exact=True).click()
        page.get_by_role("link", name="Record a pledge").click()
        page.get_by_label("Donor").select_option(label=DONOR)
        page.get_by_label("Fund").select_option("VTF")
        page.get_by_label("Earmark (optional)").fill(earmark)
        page.get_by_label("Amount pledged").fill("8000.00")
        page.get_by_label("Currency (ISO code)").fill("EUR")
        page.get_by_label("Reference: the letter or statement").fill(f"Letter {width}")
        page.get_by_role("button", name="Record the pledge").click()
        page.wait_for_url(re.compile(r".*/app/voluntary/pledges/\d+\?recorded=1$"))
        assert page.locator("#pledge-received").inner_text() == "0.00"
        assert page.locator("#pledge-outstanding").inner_text() == "8,000.00"
        page.get_by_role("link", name="Record a receipt against this pledge").click()
        page.get_by_label("Amount received", exact=True).fill("3000.00")
        page.get_by_label("US dollars credited by the bank (optional)").fill("3300.00")
        page.get_by_label("Bank reference").fill(f"WEB-BROWSER-{width}")
        page.get_by_label("Amount it settles of the named pledge").fill("3000.00")
        page.get_by_role("button", name="Record the receipt").click()
        page.wait_for_url(re.compile(r".*/app/voluntary/receipts/\d+\?recorded=1$"))
        assert f"WEB-BROWSER-{width}" in page.get_by_role("status").inner_text()
        page.get_by_role("table", name="Pledges the receipt settled").get_by_role("link").click()
        assert page.locator("#pledge-received").inner_text() == "3,000.00"
        assert page.locator("#pledge-outstanding").inner_text() == "5,000.00"
        assert page.locator("#pledge-status").inner_text() == "partly received"
        page.get_by_role("link", name=DONOR).first.click()
        page.get_by_role("heading", name=DONOR).wait_for()
        shot(page, web_demo.dialect, "voluntary-donor", width)
        page.get_by_role("link", name="Overview").click()
        shot(page, web_demo.dialect, "voluntary", width)
        page.get_by_role("link", name="Reserve", exact=True).click()
        assert page.locator("#reserve-balance").inner_text()
        shot(page, web_demo.dialect, "reserve", width)

    at_each_width(browser, web_demo.url(), "officer", journey)
