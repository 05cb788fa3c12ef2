"""The voluntary funds over HTTP, told as a finance officer would: Germany pledges
100 000 euros to the VTF for gender projects, gives 60 000, a project is approved and
paid a tranche, the statement goes out, a payment comes back, and the ledger agrees."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.payments.schemas import ExchangeRateIn
from finance_core.payments.service import add_rate
from finance_core.states.models import State
from finance_core.system.service import DATASET_FLAG, DEMO, set_flag
from finance_core.voluntary.models import VoluntaryReceipt
from tests.api_helpers import ApiEnv, api_env
from tests.conftest import needs_pango

V = "/api/v1"

PLEDGE = {
    "donor_id": 1,
    "pledged_on": "2025-01-15",
    "fund": "VTF",
    "earmark": "gender",
    "currency": "EUR",
    "amount": "100000.00",
    "occasion": "CSP10",
    "reference": "Letter of 15 January 2025",
}
RECEIPT = {
    "donor_id": 1,
    "value_on": "2025-02-10",
    "fund": "VTF",
    "earmark": "gender",
    "amount": "60000.00",
    "currency": "EUR",
    "bank_reference": "VTF-DEU-1",
}
PROJECT = {
    "code": "VTF-2025-01",
    "title": "Stockpile management for women officers",
    "grantee": "Ministry of Defence",
    "country": "GHA",
    "fund": "VTF",
    "earmark": "gender",
    "approved_on": "2025-03-01",
    "approved_amount": "80000.00",
    "reference": "VTF/SC/2025/1",
}
TRANCHE = {
    "kind": "project_tranche",
    "project_id": 1,
    "value_on": "2025-03-10",
    "amount": "70000.00",
    "payee": "Ministry of Defence",
    "reference": "PAY-VTF-1",
}


@pytest.fixture
def env(engine: Engine, officer: Actor) -> Iterator[ApiEnv]:
    with Session(engine) as s:
        s.add(State(code="DEU", name="Germany", un_member=True))
        s.flush()
        add_rate(
            s,
            actor=officer,
            data=ExchangeRateIn(
                currency="EUR", valid_on=date(2025, 1, 1), usd_per_unit="1.10", source="test"
            ),
        )
        s.commit()
    with api_env(engine) as e:
        yield e


def _receipts(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(VoluntaryReceipt)).scalar_one())


def test_a_donor_from_pledge_to_statement(env: ApiEnv, engine: Engine) -> None:
    officer, reader = env.auth("finance_officer"), env.auth("committee")
    post, get = env.client.post, env.client.get

    donor = post(
        f"{V}/donors",
        json={"name": "Germany", "kind": "state", "state_code": "DEU", "language": "fr"},
        headers=officer,
    )
    assert donor.status_code == 201, donor.text
    assert donor.json()["id"] == 1
    again = post(f"{V}/donors", json={"name": "Germany", "kind": "organisation"}, headers=officer)
    assert again.status_code == 409 and again.json()["fields"] == {"name": "taken"}
    changed = env.client.patch(
        f"{V}/donors/1", json={"contact_email": "vtf@auswaertiges-amt.de"}, headers=officer
    )
    assert changed.status_code == 200
    assert (changed.json()["contact_email"], changed.json()["language"]) == (
        "vtf@auswaertiges-amt.de",
        "fr",
    )
    assert get(f"{V}/donors?kind=state", headers=reader).json()["total"] == 1
    assert get(f"{V}/donors?kind=organisation", headers=reader).json()["total"] == 0

    pledge = post(f"{V}/pledges", json=PLEDGE, headers=officer)
    assert pledge.status_code == 201, pledge.text
    assert (pledge.json()["status"], pledge.json()["outstanding"]) == ("open", "100000.00")

    # a receipt in euros, at the table's rate until the bank's figure comes; it settles
    # the pledge by itself; a retry with the same key replays it, another body is a 409
    headers = {**officer, "Idempotency-Key": "vtf-deu-1"}
    first = post(f"{V}/voluntary-receipts", json=RECEIPT, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["usd_amount"], body["usd_provisional"], body["exchange_rate"]) == (
        "66000.00",
        True,
        "1.10",
    )
    assert body["matches"] == [{"pledge_id": 1, "amount": "60000.00", "currency": "EUR"}]
    replay = post(f"{V}/voluntary-receipts", json=RECEIPT, headers=headers)
    assert replay.status_code == 201 and replay.json() == body
    assert replay.headers["Idempotent-Replayed"] == "true"
    other = post(f"{V}/voluntary-receipts", json={**RECEIPT, "amount": "1.00"}, headers=headers)
    assert other.status_code == 409 and other.json()["error"] == "Conflict"
    assert _receipts(engine) == 1
    settled = get(f"{V}/pledges/1", headers=reader).json()
    assert (settled["received"], settled["outstanding"], settled["status"]) == (
        "60000.00",
        "40000.00",
        "partly_received",
    )
    assert get(f"{V}/pledges?status=partly_received", headers=reader).json()["total"] == 1
    assert get(f"{V}/pledges?status=open&donor_id=1", headers=reader).json()["total"] == 0
    assert get(f"{V}/voluntary-receipts?fund=vtf", headers=reader).json()["total"] == 1

    confirmed = post(
        f"{V}/voluntary-receipts/1/usd-confirmation",
        json={"usd_amount": "66100.00", "value_on": "2025-02-12"},
        headers={**officer, "Idempotency-Key": "vtf-deu-1-bank"},
    )
    assert confirmed.status_code == 201 and confirmed.json()["usd_confirmed"] == "66100.00"

    project = post(f"{V}/projects", json=PROJECT, headers=officer)
    assert project.status_code == 201, project.text
    reported = post(
        f"{V}/projects/1/reports",
        json={"due_on": "2025-12-31", "title": "Final narrative report"},
        headers=officer,
    )
    assert reported.status_code == 201
    report_id = reported.json()["reports"][0]["id"]
    assert (
        post(
            f"{V}/projects/1/reports/{report_id + 1}/received",
            json={"received_on": "2025-06-01"},
            headers=officer,
        ).status_code
        == 404
    )

    # the gender money holds 66 100.00 dollars: a tranche of 70 000.00 is refused
    short = post(f"{V}/disbursements", json=TRANCHE, headers=officer)
    assert short.status_code == 422, short.text
    assert short.json()["error"] == "RuleViolation"
    assert short.json()["fields"] == {"amount": "at most 66100.00"}
    assert set(short.json()) == {"error", "detail", "fields"}
    paid = post(
        f"{V}/disbursements",
        json={**TRANCHE, "amount": "30000.00"},
        headers={**officer, "Idempotency-Key": "pay-vtf-1"},
    )
    assert paid.status_code == 201, paid.text
    assert (paid.json()["tranche"], paid.json()["fund"], paid.json()["earmark"]) == (
        1,
        "VTF",
        "gender",
    )
    assert get(f"{V}/projects/1", headers=reader).json()["remaining"] == "50000.00"
    assert get(f"{V}/disbursements?project_id=1", headers=reader).json()["total"] == 1

    pools = get(f"{V}/voluntary-balances?as_at=2025-12-31", headers=reader).json()["pools"]
    assert pools == [
        {
            "fund": "VTF",
            "earmark": "gender",
            "received": "66100.00",
            "disbursed": "30000.00",
            "available": "36100.00",
        }
    ]
    before = get(
        f"{V}/voluntary-balances?as_at=2025-12-31&known_at=2020-01-01T00:00:00", headers=reader
    ).json()
    assert before["pools"] == []

    # the statement, in the donor's language unless asked otherwise
    url = f"{V}/donors/1/statement?year=2025&as_at=2025-12-31"
    statement = get(url, headers=reader)
    assert statement.status_code == 200, statement.text
    data = statement.json()
    assert (data["donor_name"], data["received_usd"], data["spent_usd"]) == (
        "Germany",
        "66100.00",
        "30000.00",
    )
    assert data["totals"] == [
        {
            "currency": "EUR",
            "pledged": "100000.00",
            "received": "60000.00",
            "outstanding": "40000.00",
        }
    ]
    rows = list(csv.DictReader(io.StringIO(get(f"{url}&format=csv", headers=reader).text)))
    assert {r["section"] for r in rows} >= {"pledge", "receipt", "spending", "total"}
    assert any(r["section"] == "spending" and r["spent"] == "30000.00" for r in rows)
    xlsx = get(f"{url}&format=xlsx", headers=reader)
    assert xlsx.headers["content-disposition"].endswith('2025.xlsx"')
    book = load_workbook(io.BytesIO(xlsx.content))
    assert "contributions volontaires" in str(book.worksheets[0]["A1"].value)
    english = load_workbook(
        io.BytesIO(get(f"{url}&format=xlsx&language=en", headers=reader).content)
    )
    assert "voluntary contributions" in str(english.worksheets[0]["A1"].value)
    bad = get(f"{url}&format=xlsx&language=de", headers=reader)
    assert bad.status_code == 422 and "language" in bad.json()["fields"]
    assert (
        get(f"{V}/donors/1/statement?year=2024&as_at=2023-12-31", headers=reader).status_code == 422
    )

    # the tranche comes back, then the receipt bounces: the ledger still agrees
    back = post(
        f"{V}/disbursements/1/reversal",
        json={"value_on": "2025-03-20", "reason": "Returned by the bank"},
        headers={**officer, "Idempotency-Key": "pay-vtf-1-back"},
    )
    assert back.status_code == 201 and back.json()["reversal"]["reason"] == "Returned by the bank"
    bounced = post(
        f"{V}/voluntary-receipts/1/reversal",
        json={"value_on": "2025-03-25", "reason": "Recorded in error"},
        headers={**officer, "Idempotency-Key": "vtf-deu-1-back"},
    )
    assert bounced.status_code == 201, bounced.text
    assert get(f"{V}/pledges/1", headers=reader).json()["outstanding"] == "100000.00"
    withdrawn = post(
        f"{V}/pledges/1/withdrawal",
        json={"withdrawn_on": "2025-04-01", "reason": "Budget cuts"},
        headers=officer,
    )
    assert withdrawn.status_code == 201 and withdrawn.json()["status"] == "withdrawn"
    reconciled = get(f"{V}/voluntary-reconciliation?as_at=2025-12-31", headers=reader).json()
    assert reconciled["agrees"] is True
    vtf = next(f for f in reconciled["funds"] if f["fund"] == "VTF")
    assert (vtf["ledger_bank"], vtf["ledger_exchange_gain_loss"], vtf["agrees"]) == (
        "0.00",
        "0.00",
        True,
    )
    done = post(f"{V}/projects/1/status", json={"status": "completed"}, headers=officer)
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_the_statement_as_pdf(env: ApiEnv) -> None:
    needs_pango()
    officer = env.auth("finance_officer")
    env.client.post(
        f"{V}/donors", json={"name": "Flanders", "kind": "organisation"}, headers=officer
    )
    pdf = env.client.get(
        f"{V}/donors/1/statement?year=2025&as_at=2025-12-31&format=pdf",
        headers=env.auth("committee"),
    )
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_a_statement_from_demo_data_says_so(env: ApiEnv, engine: Engine) -> None:
    env.client.post(
        f"{V}/donors",
        json={"name": "Flanders", "kind": "organisation"},
        headers=env.auth("finance_officer"),
    )
    with Session(engine) as s:
        set_flag(s, DATASET_FLAG, DEMO)
        s.commit()
    xlsx = env.client.get(
        f"{V}/donors/1/statement?year=2025&as_at=2025-12-31&format=xlsx",
        headers=env.auth("committee"),
    )
    assert xlsx.headers["X-Demo-Data"] == "true"
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet["A3"].value == "Illustrative data"


def test_sponsorships_and_who_may_do_what(env: ApiEnv) -> None:
    officer, reader = env.auth("finance_officer"), env.auth("committee")
    post, get = env.client.post, env.client.get
    delegate = {
        "meeting": "CSP11",
        "traveller": "A delegate",
        "state_code": "DEU",
        "travel": "1200.00",
        "subsistence": "800.00",
    }
    created = post(f"{V}/sponsorships", json=delegate, headers=officer)
    assert created.status_code == 201, created.text
    assert (created.json()["fund"], created.json()["costs"]) == ("SPP", "2000.00")
    assert get(f"{V}/sponsorships?meeting=CSP11", headers=reader).json()["total"] == 1
    assert get(f"{V}/sponsorships?meeting=CSP12", headers=reader).json()["total"] == 0
    # the SPP has received nothing yet
    unpaid = post(
        f"{V}/disbursements",
        json={
            "kind": "sponsorship",
            "sponsorship_id": 1,
            "value_on": "2025-08-01",
            "amount": "1200.00",
            "payee": "Travel agency",
            "reference": "TKT-1",
        },
        headers=officer,
    )
    assert unpaid.status_code == 422 and unpaid.json()["fields"] == {"amount": "at most 0.00"}
    wrong = post(
        f"{V}/disbursements",
        json={"value_on": "2025-08-01", "amount": "1.00", "payee": "X", "reference": "R"},
        headers=officer,
    )
    assert wrong.status_code == 422 and wrong.json()["fields"] == {"fund": "required"}
    assessed = post(
        f"{V}/pledges",
        json={**PLEDGE, "fund": "SEC", "donor_id": 1},
        headers=officer,
    )
    assert assessed.status_code == 422 and set(assessed.json()["fields"]) == {"donor_id", "fund"}

    # the committee reads everything and writes nothing; anonymous callers get 401
    assert post(f"{V}/sponsorships", json=delegate, headers=reader).status_code == 403
    refused = post(
        f"{V}/voluntary-receipts", json=RECEIPT, headers={**reader, "Idempotency-Key": "k"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "PermissionDenied"
    for path in ("/donors", "/pledges", "/voluntary-receipts", "/projects", "/disbursements"):
        assert get(f"{V}{path}", headers=reader).status_code == 200
        assert get(f"{V}{path}").status_code == 401
    assert get(f"{V}/voluntary-reconciliation", headers=reader).json()["agrees"] is True
    assert get(f"{V}/voluntary-balances").status_code == 401
    for path in ("/donors/9", "/pledges/9", "/voluntary-receipts/9", "/projects/9"):
        missing = get(f"{V}{path}", headers=reader)
        assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert get(f"{V}/pledges?status=lost", headers=reader).status_code == 422
