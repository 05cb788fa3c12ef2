"""The States pages of the web interface, on the demo and both databases: the list and its
filters (a GET form: the filtered list has its own address) show exactly the States the
services give, with their outstanding and their Rule 8 standing; a State's page shows its
statement of account as the service computes it (the downloads are the API's files), its
payment plans and why Rule 8 applies or not; an unknown State is a 404 page; the
Management Committee reads without the officer's links; admins are refused."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from finance_core.arrears import plans
from finance_core.arrears.rule8 import positions, rule8
from finance_core.db_types import utctoday
from finance_core.money import format_minor
from finance_core.payments import statement as statements
from finance_core.states import service as states
from finance_core.states.membership import Status
from reports.statement import StatementFormat
from reports.statement import render as render_statement
from tests.fixtures_web import WebDemo

PLANNED = "ARG"  # in arrears in the demo, exempt under its approved plan


def _rows(html: str) -> dict[str, tuple[str, str, str]]:
    """The list's rows: code → (outstanding, in arrears, Rule 8)."""
    found = re.findall(
        r'<tr><td data-label="Code">([A-Z]{3})</td><th scope="row">.*?</th><td[^>]*>.*?</td>'
        r"<td[^>]*>.*?</td><td[^>]*>([-\d.]+)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>",
        html,
    )
    return {code: (owed, late, r8) for code, owed, late, r8 in found}


def test_the_list_and_its_filters_are_the_services(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    today = utctoday()
    with Session(web_demo.engine) as s:
        owed = positions(s, as_at=today)
        parties = {p.code for p in states.list_states(s, as_at=today, status=Status.STATE_PARTY)}
    late = {code for code, p in owed.items() if p.arrears > 0}
    page = member.get("/app/states", params={"arrears": "yes", "status": "state_party"})
    assert page.status_code == 200
    rows = _rows(page.text)
    assert set(rows) == late & parties and rows  # exactly the Parties in arrears
    for code, (outstanding, in_arrears, subject) in rows.items():
        assert outstanding == format_minor(owed[code].outstanding), code
        assert in_arrears == f"Yes: {format_minor(owed[code].arrears)}", code
        expected = "Subject" if owed[code].subject else "No"
        assert subject == ("Exempt (payment plan)" if owed[code].exempt else expected), code
    assert rows[PLANNED][2] == "Exempt (payment plan)"
    assert '<option value="yes" selected>' in page.text  # the form shows the filter used
    every = _rows(member.get("/app/states").text)
    clear = _rows(member.get("/app/states", params={"arrears": "no"}).text)
    assert clear and set(clear) == set(every) - late
    nothing = member.get("/app/states", params={"q": "no such State"})
    assert "No State matches these filters." in nothing.text
    assert web_demo.client("keeper").get("/app/states").status_code == 403


def test_a_states_page_and_its_statement(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    today = utctoday()
    with Session(web_demo.engine) as s:
        account = statements.statement(s, state_code=PLANNED, from_on=date(2015, 1, 1), as_at=today)
        csv = render_statement(account, StatementFormat.CSV)
        found, _total = plans.list_plans(s, state_code=PLANNED, limit=10, offset=0)
        standing = next(r for r in rule8(s, as_at=today).rows if r.state == PLANNED)
        detail = states.state_detail(s, PLANNED, as_at=today)
    page = member.get(f"/app/states/{PLANNED}")
    assert page.status_code == 200 and "Argentina (ARG)" in page.text
    assert f'<dd id="owed">US$ {format_minor(account.owed_minor)}</dd>' in page.text
    for row in account.receivables:
        assert f'<td class="num">{format_minor(row.closing_minor)}</td></tr>' in page.text
    for plan in found:
        assert f'href="/app/payment-plans/{plan.id}"' in page.text
    assert standing.exempt and standing.plan is not None
    assert f"Exempt under payment plan {standing.plan.id}" in page.text
    assert standing.reason in page.text
    for event in detail.events:
        assert event.event_on.isoformat() in page.text
    assert "Record an application" not in page.text  # the Committee reads only
    download = member.get(f"/app/states/{PLANNED}/statement", params={"format": "csv"})
    assert download.status_code == 200 and download.content == csv  # the API's file
    assert "attachment" in download.headers["content-disposition"]
    xlsx = member.get(f"/app/states/{PLANNED}/statement", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    pdf = member.get(f"/app/states/{PLANNED}/statement", params={"format": "pdf"})
    assert pdf.content[:4] == b"%PDF"
    missing = member.get("/app/states/ZZZ")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    earlier = member.get(f"/app/states/{PLANNED}", params={"as_at": "2020-12-31"})
    assert earlier.status_code == 200 and "Owed on 2020-12-31" in earlier.text
