"""Recording a payment in the web interface on the demo, on both databases: the preview
shows the allocation the service would make and writes nothing; confirming records it
once, even when the form is submitted again; the receipt shows each line's rule and the
State's balance afterwards; bad input comes back on the form with its fields named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.app import create_app
from finance_core.db import create_db_engine
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReceiptOut
from tests.browser import TEST_OUTPUT, WIDTHS, live_server, open_page
from tests.fixtures_demo import DemoCopy
from tests.fixtures_web import browser_sign_in, shot
from tests.web_helpers import PASSWORD, add_user, form_csrf, sign_in

STATE = "ARG"  # in arrears in the demo


@pytest.fixture(scope="module")
def officer(demo_copy: DemoCopy) -> Iterator[TestClient]:
    engine = create_db_engine(demo_copy.database.url)
    add_user(engine, "web-officer", "finance_officer")
    try:
        with TestClient(create_app(engine), raise_server_exceptions=False) as client:
            assert sign_in(client, "web-officer").status_code == 303
            yield client
    finally:
        engine.dispose()


def _receipt(demo_copy: DemoCopy, receipt_id: int) -> ReceiptOut:
    """The receipt as the service gives it, read in a session of its own."""
    engine = create_db_engine(demo_copy.database.url)
    try:
        with Session(engine) as s:
            return payments.receipt_out(s, receipt_id)
    finally:
        engine.dispose()


def _count(demo_copy: DemoCopy, reference: str) -> int:
    engine = create_db_engine(demo_copy.database.url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT COUNT(*) FROM receipt WHERE bank_reference = :r"), {"r": reference}
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _fields(client: TestClient, reference: str, amount: str = "1500.00") -> dict[str, str]:
    form = client.get("/app/payments/new")
    assert form.status_code == 200 and "Record a payment" in form.text
    key = re.search(r'name="key" value="([^"]+)"', form.text)
    assert key
    return {
        "csrf_token": form_csrf(form.text),
        "key": key.group(1),
        "state_code": f"{STATE} Argentina",
        "amount": amount,
        "currency": "USD",
        "value_on": "2026-09-30",
        "bank_reference": reference,
    }


def test_preview_then_confirm_records_once(officer: TestClient, demo_copy: DemoCopy) -> None:
    fields = _fields(officer, "WEB-PAY-1")
    preview = officer.post("/app/payments/preview", data=fields)
    assert preview.status_code == 200 and "Confirm the payment" in preview.text
    assert "oldest debt first" in preview.text
    live = officer.post(
        "/app/payments/preview", data=fields, headers={"X-Requested-With": "fetch"}
    )  # the form's live preview: the allocation alone, the same figures
    assert "<html" not in live.text and "oldest debt first" in live.text
    for row in re.findall(r'<td class="num">[^<]+</td>', live.text):
        assert row in preview.text
    unfinished = officer.post(
        "/app/payments/preview",
        data={**fields, "amount": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert "once the State, the amount" in unfinished.text
    assert _count(demo_copy, "WEB-PAY-1") == 0  # a preview writes nothing
    first = officer.post("/app/payments", data=fields, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = officer.post("/app/payments", data=fields, follow_redirects=False)  # resubmitted
    assert again.headers["location"] == first.headers["location"]
    assert _count(demo_copy, "WEB-PAY-1") == 1
    page = officer.get(first.headers["location"])
    assert page.status_code == 200 and "Recorded:" in page.text and "WEB-PAY-1" in page.text
    receipt_id = int(first.headers["location"].rsplit("/", 1)[1])
    out = _receipt(demo_copy, receipt_id)
    for line in out.allocations:
        assert line.amount in page.text
    assert sum(int(a.amount.replace(".", "")) for a in out.allocations) == 150000


def test_the_preview_shows_what_is_recorded(officer: TestClient, demo_copy: DemoCopy) -> None:
    fields = _fields(officer, "WEB-PAY-2", "2345.67")
    preview = officer.post("/app/payments/preview", data=fields).text
    done = officer.post("/app/payments", data=fields, follow_redirects=False)
    receipt_id = int(done.headers["location"].rsplit("/", 1)[1])
    for line in _receipt(demo_copy, receipt_id).allocations:
        assert f'<td class="num">{line.amount}</td>' in preview, line


def test_bad_input_comes_back_on_the_form(officer: TestClient, demo_copy: DemoCopy) -> None:
    fields = _fields(officer, "WEB-PAY-3", "12,50x")
    back = officer.post("/app/payments/preview", data=fields)
    assert back.status_code == 422 and 'aria-invalid="true"' in back.text
    assert 'value="12,50x"' in back.text  # nothing typed is lost
    unknown = officer.post("/app/payments", data={**fields, "amount": "10.00", "state_code": "ZZZ"})
    assert unknown.status_code == 422 and "unknown State" in unknown.text
    assert _count(demo_copy, "WEB-PAY-3") == 0


def test_record_a_payment_in_the_browser(
    officer: TestClient, demo_copy: DemoCopy, browser: Any
) -> None:
    """Sign in, fill the form by its labels, see the allocation appear as you type,
    preview, confirm, and see the State's balance go down by the payment on the receipt;
    at 1280 and 390 px."""
    engine = create_db_engine(demo_copy.database.url)
    shots = TEST_OUTPUT / "app"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with live_server(create_app(engine)) as url:
            for width in WIDTHS:
                context, page, errors = open_page(browser, width, 900)
                page.goto(url + "/app/sign-in")
                page.get_by_label("User name").fill("web-officer")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(url + "/app")
                page.get_by_role("link", name="Record a payment").first.click()
                page.get_by_label("State (type its name or code)").fill(f"{STATE} Argentina")
                page.get_by_label("Amount received").fill("1000.00")
                page.get_by_label("Value date").fill("2026-09-30")
                page.get_by_label("Bank reference").fill(f"WEB-BROWSER-{width}")
                live = page.locator("#allocation-preview table")  # shown while typing
                live.wait_for()
                assert "oldest debt first" in live.inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(shots / f"{demo_copy.dialect}-payment-{width}.png"))
                page.get_by_role("button", name="Preview the allocation").click()
                page.wait_for_url(url + "/app/payments/preview")
                owed_before = page.get_by_text("The State owed").inner_text()
                page.screenshot(
                    path=str(shots / f"{demo_copy.dialect}-preview-{width}.png"), full_page=True
                )
                page.get_by_role("button", name="Record the payment").click()
                page.wait_for_url(re.compile(r".*/app/receipts/\d+$"))
                status = page.get_by_role("status").inner_text()
                assert f"WEB-BROWSER-{width}" in status
                now_owed = page.locator("#owed").inner_text()
                page.screenshot(
                    path=str(shots / f"{demo_copy.dialect}-receipt-{width}.png"), full_page=True
                )
                before = Decimal(re.findall(r"US\$ ([\d,.]+)", owed_before)[0].replace(",", ""))
                after = Decimal(now_owed.removeprefix("US$ ").replace(",", ""))
                assert after == before - Decimal("1000.00")  # both as at the value date
                assert errors == [], errors
                context.close()
    finally:
        engine.dispose()


def test_a_committee_member_reads_but_cannot_write(demo_copy: DemoCopy, browser: Any) -> None:
    """A Committee member sees the dashboard but no way to record a payment; opening the
    form's address is refused, and so is a POST made with the page's own CSRF token."""
    engine = create_db_engine(demo_copy.database.url)
    add_user(engine, "web-member", "committee")
    receipts = _count_all(demo_copy)
    try:
        with live_server(create_app(engine)) as url:
            for width in WIDTHS:
                context, page, errors = open_page(browser, width)
                browser_sign_in(page, url, "web-member")
                assert "Arrears (earlier years)" in page.locator("main").inner_text()
                shot(page, demo_copy.dialect, "dashboard-demo", width)
                assert page.get_by_role("link", name="Record a payment").count() == 0
                refused = page.goto(url + "/app/payments/new")
                assert refused is not None and refused.status == 403
                assert page.locator("h1").inner_text() == "Not allowed"
                shot(page, demo_copy.dialect, "committee-refused", width)
                page.goto(url + "/app")
                status = page.evaluate(
                    """async () => {
                        const form = new FormData();
                        form.set("csrf_token", document.querySelector(
                            "form.sign-out input[name=csrf_token]").value);
                        for (const [k, v] of Object.entries({state_code: "ARG",
                            amount: "10.00", currency: "USD", value_on: "2026-09-30",
                            bank_reference: "FORGED"})) form.set(k, v);
                        const r = await fetch("/app/payments", {method: "POST", body: form});
                        return r.status;
                    }"""
                )
                assert status == 403
                assert [e for e in errors if "status of 403" not in e] == [], errors
                context.close()
    finally:
        engine.dispose()
    assert _count_all(demo_copy) == receipts and _count(demo_copy, "FORGED") == 0


def _count_all(demo_copy: DemoCopy) -> int:
    engine = create_db_engine(demo_copy.database.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM receipt")).scalar_one())
    finally:
        engine.dispose()
