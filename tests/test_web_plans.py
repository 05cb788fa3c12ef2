"""Payment plans in the web interface, on the demo and both databases: the checks the
service makes are shown before anything is recorded (as the officer types, and on the
confirmation), an application is recorded once even when the form is sent twice, a
second application while one awaits a decision is refused on the form, the Management
Committee's decision is recorded once with its reference and date, and the plan then
exempts its State on the State's page. In the browser, an officer does all of it by the
labels of the forms at 1280 px, and the pages are shown at 390 px too."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.arrears import plans
from finance_core.arrears.models import PaymentPlan
from finance_core.arrears.rule8 import positions
from finance_core.db_types import utctoday
from finance_core.money import format_minor
from tests.browser import WIDTHS, open_page
from tests.fixtures_web import WebDemo, shot
from tests.web_helpers import PASSWORD, form_csrf


def _unplanned(web_demo: WebDemo) -> list[tuple[str, int]]:
    """States in arrears today with no payment plan at all, and what each owes that is
    due (US cents, what an application must give), most owed first."""
    today = utctoday()
    with Session(web_demo.engine) as s:
        planned = set(s.execute(select(col(PaymentPlan.state_code))).scalars())
        late = [c for c, p in sorted(positions(s, as_at=today).items()) if p.arrears > 0]
        owed = {c: plans.owed_for_plan(s, c, today)[0] for c in late if c not in planned}
    return sorted(owed.items(), key=lambda x: (-x[1], x[0]))


def _plans_of(web_demo: WebDemo, code: str) -> list[PaymentPlan]:
    with Session(web_demo.engine) as s:
        return list(
            s.execute(select(PaymentPlan).where(col(PaymentPlan.state_code) == code)).scalars()
        )


def _count(web_demo: WebDemo) -> int:
    with Session(web_demo.engine) as s:
        return int(s.execute(select(func.count()).select_from(PaymentPlan)).scalar_one())


def _key(html: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_apply_then_decide_once_each(web_demo: WebDemo) -> None:
    officer = web_demo.client("officer")
    code, owed = _unplanned(web_demo)[-1]
    today = utctoday()
    form = officer.get("/app/payment-plans/new", params={"state": code})
    assert form.status_code == 200
    assert f"The ledger shows <strong>US$ {format_minor(owed)}</strong>" in form.text
    first = owed // 3
    fields = {
        "csrf_token": form_csrf(form.text),
        "key": _key(form.text),
        "rows": "6",
        "state_code": code,
        "received_on": today.isoformat(),
        "note_verbale": f"NV/{code}/WEB",
        "reasons": "A fall in revenue.",
        "total_outstanding": format_minor(owed),
        "due_on_1": (today + timedelta(days=60)).isoformat(),
        "amount_1": format_minor(first),
        "due_on_4": (today + timedelta(days=400)).isoformat(),  # rows 2 and 3 left blank
        "amount_4": format_minor(owed - first),
    }
    before = _count(web_demo)
    # the checks, as typed: a wrong total names the ledger's figure; rows out of order
    wrong = officer.post(
        "/app/payment-plans/check",
        data={**fields, "total_outstanding": "1.00", "amount_1": "0.50", "amount_4": "0.50"},
    )
    assert f"the ledger shows {format_minor(owed)}" in wrong.text
    swapped = {**fields, "due_on_1": fields["due_on_4"], "due_on_4": fields["due_on_1"]}
    back = officer.post("/app/payment-plans/preview", data=swapped)
    assert back.status_code == 422 and 'id="due_on_4-error"' in back.text  # on its row
    assert f'value="{fields["amount_4"]}"' in back.text  # nothing typed is lost
    ok = officer.post("/app/payment-plans/check", data=fields)
    assert "The application passes the checks." in ok.text
    confirm = officer.post("/app/payment-plans/preview", data=fields)
    assert confirm.status_code == 200 and "Record the application" in confirm.text
    assert _count(web_demo) == before  # checking writes nothing
    # recorded once, the form sent twice
    done = officer.post("/app/payment-plans", data=fields, follow_redirects=False)
    again = officer.post("/app/payment-plans", data=fields, follow_redirects=False)
    assert done.status_code == 303 and again.headers["location"] == done.headers["location"]
    assert _count(web_demo) == before + 1
    (plan,) = _plans_of(web_demo, code)
    assert plan.total_minor == owed and plan.decision == "submitted"
    assert done.headers["location"] == f"/app/payment-plans/{plan.id}"
    other = officer.post("/app/payment-plans", data={**fields, "key": "another form"})
    assert other.status_code == 422 and "awaiting a decision" in other.text
    assert _count(web_demo) == before + 1
    # the Committee reads the plan but has no decision form, and cannot post one
    member = web_demo.client("member")
    seen = member.get(done.headers["location"])
    assert seen.status_code == 200 and "Record the decision" not in seen.text
    page = officer.get(done.headers["location"])
    assert "Record the decision" in page.text
    decision = {
        "csrf_token": form_csrf(page.text),
        "key": _key(page.text),
        "approved": "true",
        "decided_on": (today - timedelta(days=1)).isoformat(),  # before the application
        "reference": "MC/WEB/1",
    }
    refused = officer.post(f"{done.headers['location']}/decision", data=decision)
    assert refused.status_code == 422 and "cannot precede the application" in refused.text
    assert _plans_of(web_demo, code)[0].decision == "submitted"
    decision["decided_on"] = today.isoformat()
    for _ in range(2):  # a double click
        decided = officer.post(
            f"{done.headers['location']}/decision", data=decision, follow_redirects=False
        )
        assert decided.status_code == 303
    (plan,) = _plans_of(web_demo, code)
    assert (plan.decision, plan.decided_on, plan.decision_reference) == (
        "approved",
        today,
        "MC/WEB/1",
    )
    shown = officer.get(done.headers["location"]).text
    assert "<strong>Approved</strong> by the Management Committee" in shown
    assert '<dd id="standing">on track</dd>' in shown
    state = officer.get(f"/app/states/{code}").text
    assert f"Exempt under payment plan {plan.id}" in state
    listed = member.get("/app/payment-plans").text
    assert f'href="/app/payment-plans/{plan.id}"' in listed and "MC/WEB/1" in listed


def test_apply_and_approve_in_the_browser(web_demo: WebDemo, browser: Any) -> None:
    """From the States in arrears to a State's page, the application form (its checks
    shown as the officer types), the confirmation, the plan's page and the Committee's
    approval, and back to the State's page, at 1280 px; then the same pages at 390 px
    (the journey once: it writes, and the test time is short). No console error."""
    ((code, owed),) = _unplanned(web_demo)[:1]
    url = web_demo.url()
    today = utctoday()
    listed = "/app/states?arrears=yes"
    context, page, errors = open_page(browser, WIDTHS[0])
    try:
        page.goto(f"{url}/app/sign-in?next={quote(listed)}")
        page.get_by_label("User name").fill("officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(url + listed)
        shot(page, web_demo.dialect, "states-list", WIDTHS[0])
        page.locator(f'a[href="/app/states/{code}"]').click()
        page.wait_for_url(f"{url}/app/states/{code}")
        assert "Not subject" not in page.locator("#rule8-status").inner_text()
        shot(page, web_demo.dialect, "state-page", WIDTHS[0])
        page.get_by_role("link", name="Record an application for a payment plan").click()
        page.wait_for_url(f"{url}/app/payment-plans/new?state={code}")
        ledger = page.locator(".sp-ledger").inner_text()  # what the State must give
        total = re.findall(r"US\$ ([\d.]+)", ledger)[0]
        assert total == format_minor(owed)
        page.get_by_label("Note verbale (its reference)").fill(f"NV/{code}/1")
        page.get_by_label("Total outstanding the State gives (US$)").fill(total)
        page.get_by_label("Reasons the State gives (confidential)").fill("Budget delays.")
        half = (Decimal(total) / 2).quantize(Decimal("0.01"))
        page.get_by_label("Instalment 1: due on").fill((today + timedelta(days=90)).isoformat())
        page.get_by_label("Instalment 1: amount (US$)").fill(str(half))
        page.get_by_label("Instalment 2: due on").fill((today + timedelta(days=455)).isoformat())
        page.get_by_label("Instalment 2: amount (US$)").fill(str(Decimal(total) - half))
        page.get_by_text("The application passes the checks.").wait_for()  # as typed
        shot(page, web_demo.dialect, "plan-form", WIDTHS[0])
        page.get_by_role("button", name="Check the application").click()
        page.wait_for_url(f"{url}/app/payment-plans/preview")
        page.get_by_role("button", name="Record the application").click()
        page.wait_for_url(re.compile(r".*/app/payment-plans/\d+$"))
        assert "Awaiting the Committee" in page.locator("#decision").inner_text()
        page.get_by_label("Decision", exact=True).select_option("true")
        page.get_by_label("Decision reference").fill(f"MC/{code}/1")
        page.get_by_role("button", name="Record the decision").click()
        page.wait_for_url(re.compile(r".*/app/payment-plans/\d+$"))
        status = page.locator("#decision").inner_text()
        assert status.startswith("Approved") and f"MC/{code}/1" in status
        shot(page, web_demo.dialect, "plan-page", WIDTHS[0])
        plan_page = page.url
        page.get_by_role("link", name=f"({code})").click()
        page.wait_for_url(f"{url}/app/states/{code}")
        (plan,) = _plans_of(web_demo, code)
        assert (plan.decision, plan.total_minor) == ("approved", owed)
        rule8 = page.locator("#rule8-status").inner_text()
        assert f"Exempt under payment plan {plan.id}" in rule8
        # the same pages on a phone
        page.set_viewport_size({"width": WIDTHS[1], "height": 900})
        for name, address in (
            ("states-list", url + listed),
            ("state-page", f"{url}/app/states/{code}"),
            ("plan-form", f"{url}/app/payment-plans/new?state={code}"),
            ("plan-page", plan_page),
        ):
            page.goto(address)
            shot(page, web_demo.dialect, name, WIDTHS[1])
        assert errors == [], errors
    finally:
        context.close()
