"""Every route × every role (anonymous included): 401, 403 or success, from one table.

A route added without a row here fails ``test_every_route_is_in_the_table``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from api.app import api_routes, create_app, route_access
from api.deps import Audience
from finance_core.access.models import Role
from finance_core.actor import Actor
from finance_core.conferences.models import Conference
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.states.models import State
from tests.api_helpers import ApiEnv, api_env

R = {"committee", "finance_officer"}
FO = {"finance_officer"}
A = {"admin"}
ALL = {"committee", "finance_officer", "admin"}
PUBLIC = {"public"}

CSV = b"code,name,un_member\nITA,Italy,true\n"
BANK = b"value_date,amount,currency,reference,payer\n2024-02-03,10.00,USD,BANK-9,France\n"
SPENT = (
    b"fund,year,line,value_date,amount,currency,category,payee,reference\n"
    b"SEC,2024,A,2024-04-01,25.00,USD,travel,Taxi,T-1\n"
)


def _plan_workbook() -> bytes:
    """The workbook of the draft plan SP-WB made by ``_plan_workbook_setup`` (plan 1)."""
    from strategy.models import ElementLevel
    from strategy.workbook import ElementRow, PlanSheet, render_workbook

    goal = ElementRow(ElementLevel.GOAL, "G1", None, "A goal", None, 1)
    return render_workbook(PlanSheet("SP-WB", "Workbook plan", None, elements=(goal,)))


PLAN_XLSX = (
    "plan.xlsx",
    _plan_workbook(),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

#: An indicator added to, replaced in and removed from the draft strategic plan 3.
_STRATEGY_INDICATOR = {
    "element_code": "O1",
    "code": "I9",
    "title": "Workshops held",
    "unit": "count",
    "baseline_value": "2",
    "baseline_year": 2028,
    "targets": [{"year": 2029, "value": "3"}],
}

# (method, path template): (who may call, concrete path, request kwargs, success status)
TABLE: dict[tuple[str, str], tuple[set[str], str, dict[str, Any], int]] = {
    ("GET", "/health"): (PUBLIC, "/health", {}, 200),
    ("GET", "/api/v1/me"): (ALL, "/api/v1/me", {}, 200),
    ("GET", "/api/v1/funds"): (R, "/api/v1/funds", {}, 200),
    ("POST", "/api/v1/funds"): (
        FO,
        "/api/v1/funds",
        {"json": {"code": "PRJ1", "name": "Project one", "kind": "voluntary"}},
        201,
    ),
    ("GET", "/api/v1/states"): (R, "/api/v1/states", {}, 200),
    ("GET", "/api/v1/states/{code}"): (R, "/api/v1/states/FRA", {}, 200),
    ("POST", "/api/v1/states/{code}/membership-events"): (
        FO,
        "/api/v1/states/FRA/membership-events",
        {"json": {"event_type": "signature", "event_on": "2013-06-03"}},
        201,
    ),
    ("POST", "/api/v1/states/import"): (
        FO,
        "/api/v1/states/import",
        {"files": {"file": ("states.csv", CSV, "text/csv")}},
        200,
    ),
    ("GET", "/api/v1/conferences"): (R, "/api/v1/conferences", {}, 200),
    ("GET", "/api/v1/conferences/{number}"): (R, "/api/v1/conferences/1", {}, 200),
    ("POST", "/api/v1/conferences"): (
        FO,
        "/api/v1/conferences",
        {
            "json": {
                "number": 2,
                "venue": "Geneva",
                "start_on": "2016-08-22",
                "end_on": "2016-08-26",
            }
        },
        201,
    ),
    ("POST", "/api/v1/conferences/{number}/registrations"): (
        FO,
        "/api/v1/conferences/1/registrations",
        {"json": [{"state_code": "FRA", "capacity": "state_party"}]},
        200,
    ),
    ("GET", "/api/v1/ledger/accounts"): (R, "/api/v1/ledger/accounts", {}, 200),
    ("GET", "/api/v1/ledger/entries"): (R, "/api/v1/ledger/entries", {}, 200),
    ("GET", "/api/v1/ledger/entries/{seq}"): (R, "/api/v1/ledger/entries/1", {}, 200),
    ("GET", "/api/v1/ledger/balances"): (
        R,
        "/api/v1/ledger/balances?as_at=2024-12-31&by=state&by=fund",
        {},
        200,
    ),
    ("GET", "/api/v1/ledger/verify"): (R, "/api/v1/ledger/verify", {}, 200),
    ("GET", "/api/v1/users"): (A, "/api/v1/users", {}, 200),
    ("POST", "/api/v1/users"): (
        A,
        "/api/v1/users",
        {"json": {"name": "new-user", "roles": ["committee"]}},
        201,
    ),
    ("POST", "/api/v1/users/{name}/tokens"): (A, "/api/v1/users/spare/tokens", {}, 201),
    ("POST", "/api/v1/users/{name}/revoke"): (A, "/api/v1/users/spare/revoke", {}, 200),
    ("POST", "/api/v1/assessments/preview"): (
        ALL,
        "/api/v1/assessments/preview",
        {"json": {"amount": "100", "participants": [{"code": "A", "un_rate": "1"}]}},
        200,
    ),
    ("GET", "/api/v1/budgets"): (R, "/api/v1/budgets", {}, 200),
    ("GET", "/api/v1/budgets/{budget_id}"): (R, "/api/v1/budgets/1", {}, 200),
    ("POST", "/api/v1/budgets"): (
        FO,
        "/api/v1/budgets",
        {
            "json": {
                "fund": "SEC",
                "year": 2025,
                "decision_symbol": "D",
                "adopted_on": "2024-08-20",
                "lines": [{"code": "A", "title": "A", "amount": "5000"}],
            }
        },
        201,
    ),
    ("POST", "/api/v1/budgets/{budget_id}/revisions"): (
        FO,
        "/api/v1/budgets/1/revisions",
        {
            "json": {
                "decision_symbol": "R",
                "adopted_on": "2024-02-01",
                "lines": [{"code": "A", "title": "A", "amount": "120000"}],
            }
        },
        201,
    ),
    ("GET", "/api/v1/methodologies"): (R, "/api/v1/methodologies", {}, 200),
    ("POST", "/api/v1/methodologies"): (
        FO,
        "/api/v1/methodologies",
        {
            "json": {
                "fund": "SEC",
                "effective_from_year": 2030,
                "decision_symbol": "M",
                "adopted_on": "2029-08-20",
                "payers": "states_parties",
            }
        },
        201,
    ),
    ("POST", "/api/v1/budgets/{budget_id}/assessments"): (
        FO,
        "/api/v1/budgets/1/assessments",
        {"json": {"run_on": "2024-03-01"}},
        201,
    ),
    ("POST", "/api/v1/budgets/{budget_id}/assessments/supplementary"): (
        FO,
        "/api/v1/budgets/1/assessments/supplementary",
        {"json": {"state_code": "ESP", "run_on": "2024-07-15"}},
        201,
    ),
    ("POST", "/api/v1/budgets/{budget_id}/assessments/csp-reassessment"): (
        FO,
        "/api/v1/budgets/2/assessments/csp-reassessment",
        {"json": {"run_on": "2024-09-01"}},
        201,
    ),
    ("GET", "/api/v1/assessments/runs"): (R, "/api/v1/assessments/runs", {}, 200),
    ("GET", "/api/v1/assessments/runs/{run_id}"): (R, "/api/v1/assessments/runs/1", {}, 200),
    ("GET", "/api/v1/assessments/runs/{run_id}/explain"): (
        R,
        "/api/v1/assessments/runs/1/explain?state=FRA",
        {},
        200,
    ),
    ("GET", "/api/v1/assessments/runs/{run_id}/notices/{state}"): (
        R,
        "/api/v1/assessments/runs/1/notices/FRA?format=html&lang=fr",
        {},
        200,
    ),
    ("POST", "/api/v1/receipts"): (
        FO,
        "/api/v1/receipts",
        {
            "json": {
                "state_code": "FRA",
                "value_on": "2024-02-01",
                "amount": "1000.00",
                "bank_reference": "REF-1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/receipts"): (R, "/api/v1/receipts", {}, 200),
    ("GET", "/api/v1/receipts/{receipt_id}"): (R, "/api/v1/receipts/1", {}, 200),
    ("POST", "/api/v1/receipts/{receipt_id}/reversal"): (
        FO,
        "/api/v1/receipts/2/reversal",
        {"json": {"value_on": "2024-02-05", "reason": "Returned by the bank"}},
        201,
    ),
    ("GET", "/api/v1/exchange-rates"): (R, "/api/v1/exchange-rates", {}, 200),
    ("POST", "/api/v1/exchange-rates"): (
        FO,
        "/api/v1/exchange-rates",
        {
            "json": {
                "currency": "EUR",
                "valid_on": "2024-01-01",
                "usd_per_unit": "1.1500",
                "source": "test",
            }
        },
        201,
    ),
    ("POST", "/api/v1/receipts/{receipt_id}/usd-confirmation"): (
        FO,
        "/api/v1/receipts/1/usd-confirmation",
        {"json": {"usd_amount": "1140.00", "value_on": "2024-02-10"}},
        201,
    ),
    ("GET", "/api/v1/states/{code}/credit"): (R, "/api/v1/states/FRA/credit", {}, 200),
    ("POST", "/api/v1/states/{code}/credit/applications"): (
        FO,
        "/api/v1/states/FRA/credit/applications",
        {"json": {"value_on": "2024-02-11", "amount": "1.00"}},
        201,
    ),
    ("POST", "/api/v1/states/{code}/credit/refunds"): (
        FO,
        "/api/v1/states/FRA/credit/refunds",
        {
            "json": {
                "value_on": "2024-02-12",
                "amount": "1.00",
                "bank_reference": "RF",
                "reason": "Overpaid",
            }
        },
        201,
    ),
    ("GET", "/api/v1/states/{code}/statement"): (
        R,
        "/api/v1/states/FRA/statement?as_at=2024-12-31&format=csv",
        {},
        200,
    ),
    ("POST", "/api/v1/bank-statements/preview"): (
        FO,
        "/api/v1/bank-statements/preview",
        {"files": {"file": ("s.csv", BANK, "text/csv")}},
        200,
    ),
    ("POST", "/api/v1/bank-statements/commit"): (
        FO,
        "/api/v1/bank-statements/commit",
        {"files": {"file": ("s.csv", BANK, "text/csv")}, "data": {"rows": "[2]"}},
        201,
    ),
    ("GET", "/api/v1/receipts/{receipt_id}/document"): (
        R,
        "/api/v1/receipts/1/document?format=html",
        {},
        200,
    ),
    ("GET", "/api/v1/arrears/aging"): (R, "/api/v1/arrears/aging?as_at=2024-12-31", {}, 200),
    ("GET", "/api/v1/arrears/collection"): (R, "/api/v1/arrears/collection", {}, 200),
    ("GET", "/api/v1/states/{code}/arrears-history"): (
        R,
        "/api/v1/states/FRA/arrears-history?as_at=2024-12-31",
        {},
        200,
    ),
    ("GET", "/api/v1/arrears/rule8"): (R, "/api/v1/arrears/rule8?conference=10", {}, 200),
    ("GET", "/api/v1/states/{code}/reminder"): (
        R,
        "/api/v1/states/FRA/reminder?as_at=2024-12-31&format=html&lang=es",
        {},
        200,
    ),
    ("GET", "/api/v1/arrears/rules"): (R, "/api/v1/arrears/rules", {}, 200),
    ("POST", "/api/v1/arrears/rules"): (
        FO,
        "/api/v1/arrears/rules",
        {"json": {"effective_from": "2030-01-01", "reference": "ATT/CSP16/TEST"}},
        201,
    ),
    ("POST", "/api/v1/payment-plans"): (
        FO,
        "/api/v1/payment-plans",
        {
            "json": {
                "state_code": "FRA",
                "received_on": "2024-06-01",
                "note_verbale": "NV/1",
                "reasons": "Budget cuts",
                # what FRA owes on 2024-06-01 after the rows above
                "total_outstanding": "129990.00",
                "instalments": [
                    {"due_on": "2024-07-01", "amount": "64995.00"},
                    {"due_on": "2025-07-01", "amount": "64995.00"},
                ],
            }
        },
        201,
    ),
    ("GET", "/api/v1/payment-plans"): (R, "/api/v1/payment-plans", {}, 200),
    ("GET", "/api/v1/payment-plans/{plan_id}"): (R, "/api/v1/payment-plans/1", {}, 200),
    ("POST", "/api/v1/payment-plans/{plan_id}/decision"): (
        FO,
        "/api/v1/payment-plans/1/decision",
        {"json": {"approved": True, "decided_on": "2024-06-20", "reference": "MC/1"}},
        200,
    ),
    ("POST", "/api/v1/spending-plans"): (
        FO,
        "/api/v1/spending-plans",
        {
            "json": {
                "fund": "SEC",
                "year": 2025,
                "reference": "SP-2025",
                "months": [{"month": 8, "amount": "60000.00"}],
            }
        },
        201,
    ),
    ("GET", "/api/v1/spending-plans"): (R, "/api/v1/spending-plans", {}, 200),
    ("GET", "/api/v1/forecast"): (
        R,
        "/api/v1/forecast?as_at=2024-12-31&fund=all&format=csv",
        {},
        200,
    ),
    ("GET", "/api/v1/reserve"): (R, "/api/v1/reserve?as_at=2024-12-31", {}, 200),
    ("GET", "/api/v1/reserve/rules"): (R, "/api/v1/reserve/rules", {}, 200),
    ("POST", "/api/v1/reserve/rules"): (
        FO,
        "/api/v1/reserve/rules",
        {"json": {"effective_from": "2030-01-01", "percent": "8", "reference": "ATT/CSP16/T"}},
        201,
    ),
    ("GET", "/api/v1/reserve/movements"): (R, "/api/v1/reserve/movements", {}, 200),
    ("POST", "/api/v1/reserve/movements"): (
        FO,
        "/api/v1/reserve/movements",
        {
            "json": {
                "kind": "contribution",
                "value_on": "2024-03-01",
                "amount": "500.00",
                "state_code": "FRA",
                "reference": "BANK-WCF-1",
            }
        },
        201,
    ),
    # SEC 2023 (bank interest of 10.00) was proposed for closing by another officer in
    # the set-up, so that the finance officer here is the second person who approves
    ("GET", "/api/v1/year-end/{fund}/{year}/surplus"): (
        R,
        "/api/v1/year-end/SEC/2023/surplus",
        {},
        200,
    ),
    ("GET", "/api/v1/year-end/{fund}/{year}/simulation"): (
        R,
        "/api/v1/year-end/SEC/2023/simulation?as_at=2024-06-01&split_percent=50",
        {},
        200,
    ),
    ("POST", "/api/v1/year-end/{fund}/{year}/close"): (
        FO,
        "/api/v1/year-end/CSP/2023/close",
        {"json": {"note": "nothing happened in 2023"}},
        201,
    ),
    ("POST", "/api/v1/year-end/closes/{close_id}/approval"): (
        FO,
        "/api/v1/year-end/closes/1/approval",
        {"json": {"reference": "CLOSE/SEC/2023"}},
        200,
    ),
    ("POST", "/api/v1/year-end/{fund}/{year}/surplus-decision"): (
        FO,
        "/api/v1/year-end/SEC/2023/surplus-decision",
        {"json": {"decided_on": "2024-06-01", "reference": "ATT/CSP10/D", "option": "to_reserve"}},
        201,
    ),
    ("GET", "/api/v1/year-end/closes"): (R, "/api/v1/year-end/closes", {}, 200),
    ("GET", "/api/v1/year-end/surplus-decisions"): (
        R,
        "/api/v1/year-end/surplus-decisions",
        {},
        200,
    ),
    # expenditures on SEC 2024 line A: commitment 1 (CHF), expenditure 1 paid against it,
    # confirmed, reversed; then the commitment's remainder cancelled
    ("POST", "/api/v1/commitments"): (
        FO,
        "/api/v1/commitments",
        {
            "json": {
                "fund": "SEC",
                "year": 2024,
                "line_code": "A",
                "committed_on": "2024-02-01",
                "amount": "1000.00",
                "currency": "CHF",
                "payee": "Venue",
                "reference": "PO-1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/commitments"): (R, "/api/v1/commitments?status=open", {}, 200),
    ("GET", "/api/v1/commitments/{commitment_id}"): (R, "/api/v1/commitments/1", {}, 200),
    ("POST", "/api/v1/expenditures"): (
        FO,
        "/api/v1/expenditures",
        {
            "json": {
                "fund": "SEC",
                "year": 2024,
                "line_code": "A",
                "value_on": "2024-03-01",
                "amount": "400.00",
                "currency": "CHF",
                "category": "contractual_services",
                "payee": "Venue",
                "reference": "INV-1",
                "commitment_id": 1,
            }
        },
        201,
    ),
    ("GET", "/api/v1/expenditures"): (R, "/api/v1/expenditures?fund=SEC", {}, 200),
    ("GET", "/api/v1/expenditures/{expenditure_id}"): (R, "/api/v1/expenditures/1", {}, 200),
    ("POST", "/api/v1/expenditures/{expenditure_id}/usd-confirmation"): (
        FO,
        "/api/v1/expenditures/1/usd-confirmation",
        {"json": {"usd_amount": "461.00", "value_on": "2024-03-03"}},
        201,
    ),
    ("POST", "/api/v1/expenditures/{expenditure_id}/reversal"): (
        FO,
        "/api/v1/expenditures/1/reversal",
        {"json": {"value_on": "2024-03-05", "reason": "Paid in error"}},
        201,
    ),
    ("POST", "/api/v1/commitments/{commitment_id}/cancellation"): (
        FO,
        "/api/v1/commitments/1/cancellation",
        {"json": {"cancelled_on": "2024-03-06", "reason": "Order closed"}},
        201,
    ),
    ("POST", "/api/v1/expenditure-imports/preview"): (
        FO,
        "/api/v1/expenditure-imports/preview",
        {"files": {"file": ("e.csv", SPENT, "text/csv")}},
        200,
    ),
    ("POST", "/api/v1/expenditure-imports/commit"): (
        FO,
        "/api/v1/expenditure-imports/commit",
        {"files": {"file": ("e.csv", SPENT, "text/csv")}, "data": {"rows": "[2]"}},
        201,
    ),
    ("GET", "/api/v1/budget-execution"): (
        R,
        "/api/v1/budget-execution?fund=SEC&year=2024&as_at=2024-12-31&format=csv",
        {},
        200,
    ),
    # voluntary funds: donor 1 (France) pledges 1000.00 CHF to the VTF and gives 800.00
    # CHF (receipt 1, provisional, then confirmed); project 1 is paid a CHF tranche
    # (disbursement 1, confirmed, then reversed); the pledge's rest is withdrawn and the
    # receipt reversed; sponsorship 1 is recorded
    ("POST", "/api/v1/donors"): (
        FO,
        "/api/v1/donors",
        {"json": {"name": "France", "kind": "state", "state_code": "FRA"}},
        201,
    ),
    ("GET", "/api/v1/donors"): (R, "/api/v1/donors?kind=state", {}, 200),
    ("GET", "/api/v1/donors/{donor_id}"): (R, "/api/v1/donors/1", {}, 200),
    ("PATCH", "/api/v1/donors/{donor_id}"): (
        FO,
        "/api/v1/donors/1",
        {"json": {"contact_email": "vtf@diplomatie.gouv.fr", "language": "fr"}},
        200,
    ),
    ("POST", "/api/v1/pledges"): (
        FO,
        "/api/v1/pledges",
        {
            "json": {
                "donor_id": 1,
                "pledged_on": "2024-02-01",
                "currency": "CHF",
                "amount": "1000.00",
                "reference": "Letter 1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/pledges"): (R, "/api/v1/pledges?donor_id=1&fund=VTF", {}, 200),
    ("GET", "/api/v1/pledges/{pledge_id}"): (R, "/api/v1/pledges/1", {}, 200),
    ("POST", "/api/v1/voluntary-receipts"): (
        FO,
        "/api/v1/voluntary-receipts",
        {
            "json": {
                "donor_id": 1,
                "value_on": "2024-03-01",
                "amount": "800.00",
                "currency": "CHF",
                "bank_reference": "VTF-FRA-1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/voluntary-receipts"): (R, "/api/v1/voluntary-receipts?donor_id=1", {}, 200),
    ("GET", "/api/v1/voluntary-receipts/{receipt_id}"): (
        R,
        "/api/v1/voluntary-receipts/1",
        {},
        200,
    ),
    ("POST", "/api/v1/voluntary-receipts/{receipt_id}/usd-confirmation"): (
        FO,
        "/api/v1/voluntary-receipts/1/usd-confirmation",
        {"json": {"usd_amount": "921.00", "value_on": "2024-03-02"}},
        201,
    ),
    ("POST", "/api/v1/projects"): (
        FO,
        "/api/v1/projects",
        {
            "json": {
                "code": "VTF-2024-01",
                "title": "Border controls",
                "grantee": "Customs",
                "approved_on": "2024-03-01",
                "approved_amount": "500.00",
                "reference": "VTF/SC/1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/projects"): (R, "/api/v1/projects?fund=VTF", {}, 200),
    ("GET", "/api/v1/projects/{project_id}"): (R, "/api/v1/projects/1", {}, 200),
    ("POST", "/api/v1/projects/{project_id}/reports"): (
        FO,
        "/api/v1/projects/1/reports",
        {"json": {"due_on": "2024-12-31", "title": "Final report"}},
        201,
    ),
    ("POST", "/api/v1/projects/{project_id}/reports/{report_id}/received"): (
        FO,
        "/api/v1/projects/1/reports/1/received",
        {"json": {"received_on": "2024-06-01"}},
        200,
    ),
    ("POST", "/api/v1/disbursements"): (
        FO,
        "/api/v1/disbursements",
        {
            "json": {
                "kind": "project_tranche",
                "project_id": 1,
                "value_on": "2024-03-05",
                "amount": "100.00",
                "currency": "CHF",
                "payee": "Customs",
                "reference": "VTF-PAY-1",
            }
        },
        201,
    ),
    ("GET", "/api/v1/disbursements"): (R, "/api/v1/disbursements?project_id=1", {}, 200),
    ("GET", "/api/v1/disbursements/{disbursement_id}"): (R, "/api/v1/disbursements/1", {}, 200),
    ("POST", "/api/v1/disbursements/{disbursement_id}/usd-confirmation"): (
        FO,
        "/api/v1/disbursements/1/usd-confirmation",
        {"json": {"usd_amount": "116.00", "value_on": "2024-03-06"}},
        201,
    ),
    ("POST", "/api/v1/disbursements/{disbursement_id}/reversal"): (
        FO,
        "/api/v1/disbursements/1/reversal",
        {"json": {"value_on": "2024-03-10", "reason": "Returned by the bank"}},
        201,
    ),
    ("POST", "/api/v1/projects/{project_id}/status"): (
        FO,
        "/api/v1/projects/1/status",
        {"json": {"status": "completed"}},
        200,
    ),
    ("POST", "/api/v1/pledges/{pledge_id}/withdrawal"): (
        FO,
        "/api/v1/pledges/1/withdrawal",
        {"json": {"withdrawn_on": "2024-03-15", "reason": "Budget cuts"}},
        201,
    ),
    ("POST", "/api/v1/voluntary-receipts/{receipt_id}/reversal"): (
        FO,
        "/api/v1/voluntary-receipts/1/reversal",
        {"json": {"value_on": "2024-03-20", "reason": "Recorded in error"}},
        201,
    ),
    ("POST", "/api/v1/sponsorships"): (
        FO,
        "/api/v1/sponsorships",
        {"json": {"meeting": "CSP10", "conference_number": 10, "traveller": "A", "travel": "1"}},
        201,
    ),
    ("GET", "/api/v1/sponsorships"): (R, "/api/v1/sponsorships?meeting=CSP10", {}, 200),
    ("GET", "/api/v1/sponsorships/{sponsorship_id}"): (R, "/api/v1/sponsorships/1", {}, 200),
    ("GET", "/api/v1/voluntary-balances"): (
        R,
        "/api/v1/voluntary-balances?as_at=2024-12-31",
        {},
        200,
    ),
    ("GET", "/api/v1/voluntary-reconciliation"): (
        R,
        "/api/v1/voluntary-reconciliation?as_at=2024-12-31",
        {},
        200,
    ),
    ("GET", "/api/v1/donors/{donor_id}/statement"): (
        R,
        "/api/v1/donors/1/statement?year=2024&as_at=2024-12-31&format=csv",
        {},
        200,
    ),
    ("GET", "/api/v1/audit"): (A | {"committee"}, "/api/v1/audit", {}, 200),
    # annual updates (see _annual_update_setup): the 2024 update of plan 2 (SP-A) is
    # snapshot 3, published; the public reads it, the adopted plans and nothing else
    ("GET", "/api/v1/strategy/plans/{plan_id}/annual-updates/figures"): (
        R,
        "/api/v1/strategy/plans/2/annual-updates/figures?year=2024&as_at=2024-12-31",
        {},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/annual-updates"): (
        FO,
        "/api/v1/strategy/plans/2/annual-updates",
        {
            "json": {
                "year": 2024,
                "as_at": "2024-12-31",
                "narratives": [{"goal_code": "G1", "text": "A corrected account."}],
                "reference": "ATT/MC/2025/3",
            }
        },
        201,
    ),
    # reports (see _report_setup: the 2024 status of contributions is snapshot 4, published)
    ("GET", "/api/v1/reports"): (R, "/api/v1/reports", {}, 200),
    ("GET", "/api/v1/reports/{name}"): (
        R,
        "/api/v1/reports/status-of-contributions?as_at=2024-12-31&format=csv",
        {},
        200,
    ),
    ("POST", "/api/v1/reports/{name}/publications"): (
        FO,
        "/api/v1/reports/honour-roll/publications",
        {"json": {"as_at": "2024-12-31", "reference": "ATT/MC/2025/9"}},
        201,
    ),
    ("GET", "/api/v1/public/reports/{name}"): (
        PUBLIC,
        "/api/v1/public/reports/status-of-contributions",
        {},
        200,
    ),
    ("GET", "/api/v1/public/reports/{name}/latest"): (
        PUBLIC,
        "/api/v1/public/reports/status-of-contributions/latest?scope=2024",
        {},
        200,
    ),
    ("GET", "/api/v1/public/plans"): (PUBLIC, "/api/v1/public/plans", {}, 200),
    ("GET", "/api/v1/public/plans/{plan_code}"): (PUBLIC, "/api/v1/public/plans/SP-A", {}, 200),
    ("GET", "/api/v1/public/annual-updates"): (PUBLIC, "/api/v1/public/annual-updates", {}, 200),
    ("GET", "/api/v1/public/annual-updates/{plan_code}/{year}"): (
        PUBLIC,
        "/api/v1/public/annual-updates/SP-A/2024",
        {},
        200,
    ),
    ("GET", "/api/v1/public/publications/{snapshot_id}"): (
        PUBLIC,
        "/api/v1/public/publications/3",
        {},
        200,
    ),
    ("GET", "/api/v1/public/publications/{snapshot_id}/files/{name}"): (
        PUBLIC,
        "/api/v1/public/publications/3/files/annual-update.json",
        {},
        200,
    ),
    ("GET", "/api/v1/publications"): (R, "/api/v1/publications?status=draft", {}, 200),
    ("GET", "/api/v1/publications/{snapshot_id}"): (R, "/api/v1/publications/1", {}, 200),
    ("GET", "/api/v1/publications/{snapshot_id}/files/{name}"): (
        R,
        "/api/v1/publications/1/files/data.json",
        {},
        200,
    ),
    ("GET", "/api/v1/publications/{snapshot_id}/verify"): (
        R,
        "/api/v1/publications/1/verify",
        {},
        200,
    ),
    ("POST", "/api/v1/publications/{snapshot_id}/withdrawal"): (
        FO,
        "/api/v1/publications/2/withdrawal",
        {"json": {"reason": "superseded by a corrected draft"}},
        200,
    ),
    ("POST", "/api/v1/publications/{snapshot_id}/approval"): (
        FO,
        "/api/v1/publications/1/approval",
        {"json": {"reference": "ATT/CSP11/DEC.1"}},
        200,
    ),
    # the strategic plan (see _strategy_setup): plan 2 adopted for 2024-2028 with its
    # indicator 1 and measurement 1 recorded by the set-up; plan 3 a complete draft for
    # 2029-2033 (edited, then adopted); plan 4 adopted for 2019-2023 (closed); plan 5
    # created here and deleted; element 8 and indicator 3 added, edited and removed
    ("GET", "/api/v1/strategy/plans"): (R, "/api/v1/strategy/plans?status=adopted", {}, 200),
    ("POST", "/api/v1/strategy/plans"): (
        FO,
        "/api/v1/strategy/plans",
        {"json": {"code": "SP-NEW", "title": "A new plan", "first_year": 2045}},
        201,
    ),
    ("GET", "/api/v1/strategy/plans/{plan_id}"): (R, "/api/v1/strategy/plans/2", {}, 200),
    ("PATCH", "/api/v1/strategy/plans/{plan_id}"): (
        FO,
        "/api/v1/strategy/plans/3",
        {"json": {"title": "Strategic Plan 2029-2033"}},
        200,
    ),
    ("DELETE", "/api/v1/strategy/plans/{plan_id}"): (FO, "/api/v1/strategy/plans/5", {}, 204),
    ("GET", "/api/v1/strategy/plans/{plan_id}/tree"): (
        R,
        "/api/v1/strategy/plans/2/tree",
        {},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/elements"): (
        FO,
        "/api/v1/strategy/plans/3/elements",
        {"json": {"level": "activity", "parent_code": "O1", "code": "A1", "title": "Workshop"}},
        201,
    ),
    ("PATCH", "/api/v1/strategy/elements/{element_id}"): (
        FO,
        "/api/v1/strategy/elements/8",
        {"json": {"title": "Regional workshops", "order": 2}},
        200,
    ),
    ("DELETE", "/api/v1/strategy/elements/{element_id}"): (
        FO,
        "/api/v1/strategy/elements/8",
        {},
        204,
    ),
    ("GET", "/api/v1/strategy/measures"): (R, "/api/v1/strategy/measures", {}, 200),
    ("POST", "/api/v1/strategy/plans/{plan_id}/indicators"): (
        FO,
        "/api/v1/strategy/plans/3/indicators",
        {"json": _STRATEGY_INDICATOR},
        201,
    ),
    ("GET", "/api/v1/strategy/indicators/{indicator_id}"): (
        R,
        "/api/v1/strategy/indicators/1",
        {},
        200,
    ),
    ("PUT", "/api/v1/strategy/indicators/{indicator_id}"): (
        FO,
        "/api/v1/strategy/indicators/3",
        {"json": {**_STRATEGY_INDICATOR, "title": "Regional workshops held"}},
        200,
    ),
    ("DELETE", "/api/v1/strategy/indicators/{indicator_id}"): (
        FO,
        "/api/v1/strategy/indicators/3",
        {},
        204,
    ),
    ("GET", "/api/v1/strategy/plans/{plan_id}/adoption-problems"): (
        R,
        "/api/v1/strategy/plans/3/adoption-problems",
        {},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/adoption"): (
        FO,
        "/api/v1/strategy/plans/3/adoption",
        {"json": {"decision_reference": "ATT/CSP11/DEC.SP", "adopted_on": "2025-08-29"}},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/closure"): (
        FO,
        "/api/v1/strategy/plans/4/closure",
        {"json": {"closed_on": "2023-12-31", "note": "Ended"}},
        200,
    ),
    ("POST", "/api/v1/strategy/indicators/{indicator_id}/measurements"): (
        FO,
        "/api/v1/strategy/indicators/1/measurements",
        {"json": {"year": 2025, "value": "70"}},
        201,
    ),
    ("GET", "/api/v1/strategy/measurements"): (
        R,
        "/api/v1/strategy/measurements?plan_id=2&year=2024",
        {},
        200,
    ),
    ("GET", "/api/v1/strategy/measurements/{measurement_id}"): (
        R,
        "/api/v1/strategy/measurements/1",
        {},
        200,
    ),
    ("POST", "/api/v1/strategy/measurements/{measurement_id}/approval"): (
        FO,
        "/api/v1/strategy/measurements/1/approval",
        {"json": {"note": "Checked"}},
        200,
    ),
    ("GET", "/api/v1/budget-lines/{budget_line_id}/objectives"): (
        R,
        "/api/v1/budget-lines/1/objectives",
        {},
        200,
    ),
    ("PUT", "/api/v1/budget-lines/{budget_line_id}/objectives"): (
        FO,
        "/api/v1/budget-lines/1/objectives",
        {"json": {"links": [{"objective_code": "O1", "share_bp": 6000}]}},
        200,
    ),
    ("GET", "/api/v1/strategy/plans/{plan_id}/cost"): (
        R,
        "/api/v1/strategy/plans/2/cost?as_at=2024-12-31&format=csv",
        {},
        200,
    ),
    ("GET", "/api/v1/strategy/plans/{plan_id}/progress"): (
        R,
        "/api/v1/strategy/plans/2/progress?year=2024&as_at=2024-12-31&on_track=0.8",
        {},
        200,
    ),
    ("GET", "/api/v1/strategy/plans/{plan_id}/workbook"): (
        R,
        "/api/v1/strategy/plans/1/workbook",
        {},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/workbook/preview"): (
        FO,
        "/api/v1/strategy/plans/1/workbook/preview",
        {"files": {"file": PLAN_XLSX}},
        200,
    ),
    ("POST", "/api/v1/strategy/plans/{plan_id}/workbook/import"): (
        FO,
        "/api/v1/strategy/plans/1/workbook/import",
        {"files": {"file": PLAN_XLSX}},
        200,
    ),
}


def _routes() -> dict[tuple[str, str], frozenset[Role | Audience]]:
    return {
        (method, path): route_access(route)
        for path, route in api_routes()
        for method in route.methods
    }


def test_every_route_is_in_the_table() -> None:
    assert set(_routes()) == set(TABLE)


def test_every_route_declares_who_may_call_it() -> None:
    for key, declared in _routes().items():
        assert {str(a) for a in declared} == TABLE[key][0], key


def test_every_route_declares_its_errors() -> None:
    spec = create_app().openapi()
    for (method, path), (who, *_rest) in TABLE.items():
        responses = spec["paths"][path][method.lower()]["responses"]
        if who != PUBLIC:
            assert "401" in responses, (method, path)
        if who not in (PUBLIC, ALL):
            assert "403" in responses, (method, path)
        for code, body in responses.items():
            if code.startswith(("4", "5")):
                assert body["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"
                }, (method, path, code)


@pytest.fixture
def env(engine: Engine) -> Iterator[ApiEnv]:
    setup = Actor(name="setup", origin="test")
    with Session(engine) as s:
        s.add(State(code="FRA", name="France", un_member=True))
        s.add(
            Conference(
                number=1,
                name="CSP1",
                kind="ordinary",
                venue="Cancún",
                start_on=date(2015, 8, 24),
                end_on=date(2015, 8, 27),
            )
        )
        s.flush()
        post_entry(
            s,
            actor=setup,
            value_on=date(2024, 1, 1),
            entry_type="assessment",
            description="x",
            postings=[
                PostingSpec("SEC.receivable", 100, state_code="FRA"),
                PostingSpec("SEC.assessed_revenue", -100, state_code="FRA"),
            ],
        )
        from finance_core.access.service import create_user

        create_user(s, actor=setup, name="spare", roles=["committee"])
        _assessment_setup(s, setup)
        _close_setup(s, setup)
        _publication_setup(s, setup)
        _plan_workbook_setup(s, setup)
        _strategy_setup(s, setup)
        _annual_update_setup(s, setup)
        _report_setup(s, setup)
        s.commit()
    with api_env(engine) as e:
        yield e


def _assessment_setup(s: Session, setup: Actor) -> None:
    """FRA a Party since 2014, ESP from July 2024; SEC and CSP budgets for 2024 (ids 1
    and 2); CSP10 in 2024 with FRA registered; the CSP budget assessed (run 1)."""
    from decimal import Decimal

    from finance_core.assessments import methodology, service
    from finance_core.assessments.methodology import MethodologyIn
    from finance_core.budgets.schemas import BudgetIn, LineIn
    from finance_core.budgets.service import adopt_budget
    from finance_core.conferences.schemas import ConferenceCreate, RegistrationIn
    from finance_core.conferences.service import create_conference, register_states
    from finance_core.states.models import ScaleRate
    from finance_core.states.schemas import MembershipEventCreate
    from finance_core.states.service import add_event

    s.add(State(code="ESP", name="Spain", un_member=True))
    s.flush()
    for code in ("FRA", "ESP"):
        s.add(
            ScaleRate(
                scale_code="T",
                first_year=2024,
                last_year=2024,
                state_code=code,
                rate_percent=Decimal(1),
                kind="un",
                source="t",
            )
        )
    add_event(
        s,
        actor=setup,
        state_code="FRA",
        data=MembershipEventCreate(
            event_type="deposit", event_on=date(2014, 4, 2), instrument="ratification"
        ),
    )
    add_event(
        s,
        actor=setup,
        state_code="ESP",
        data=MembershipEventCreate(
            event_type="deposit", event_on=date(2024, 4, 3), instrument="ratification"
        ),
    )
    methodology.adopt(
        s,
        actor=setup,
        data=MethodologyIn(
            fund="SEC",
            effective_from_year=2024,
            decision_symbol="M",
            adopted_on=date(2023, 8, 1),
            payers="states_parties",
            pro_rata="days",
        ),
    )
    methodology.adopt(
        s,
        actor=setup,
        data=MethodologyIn(
            fund="CSP",
            effective_from_year=2024,
            decision_symbol="M",
            adopted_on=date(2023, 8, 1),
            payers="parties_and_signatories",
            reassessment_payers="csp_registered",
        ),
    )
    for fund, amount in (("SEC", "100000"), ("CSP", "10000")):
        adopt_budget(
            s,
            actor=setup,
            data=BudgetIn(
                fund=fund,
                year=2024,
                decision_symbol="B",
                adopted_on=date(2023, 8, 1),
                lines=[LineIn(code="A", title="A", amount=amount)],
            ),
        )
    create_conference(
        s,
        actor=setup,
        data=ConferenceCreate(
            number=10, venue="Geneva", start_on=date(2024, 8, 19), end_on=date(2024, 8, 23)
        ),
    )
    register_states(
        s,
        actor=setup,
        number=10,
        registrations=[RegistrationIn(state_code="FRA", capacity="state_party")],
    )
    service.assess(s, actor=setup, budget_id=2, run_on=date(2024, 1, 10))
    # Receipt 1: CHF at a provisional rate, earmarked for a year FRA owes nothing in, so
    # all of it is FRA's credit; a policy from 2015 keeps credits until asked for.
    from finance_core.payments.models import AllocationPolicy
    from finance_core.payments.schemas import ExchangeRateIn, ReceiptIn
    from finance_core.payments.service import add_rate, record_receipt

    s.add(
        AllocationPolicy(
            effective_from=date(2015, 1, 1),
            fund_order="SEC,CSP",
            honour_earmarks=True,
            credit_fund="SEC",
            write_off_tolerance_minor=5000,
            apply_credit_on_assessment=False,
            reference="test: credits on request",
        )
    )
    add_rate(
        s,
        actor=setup,
        data=ExchangeRateIn(
            currency="CHF", valid_on=date(2024, 1, 1), usd_per_unit="1.15", source="t"
        ),
    )
    record_receipt(
        s,
        actor=setup,
        data=ReceiptIn(
            state_code="FRA",
            value_on=date(2024, 1, 20),
            amount="1000.00",
            currency="CHF",
            bank_reference="CHF-1",
            earmark_year=2030,
        ),
    )


def test_role_by_route(env: ApiEnv) -> None:
    failures = []
    for (method, _template), (who, path, kwargs, ok) in TABLE.items():
        for role in (None, "committee", "finance_officer", "admin"):
            response = env.client.request(method, path, headers=env.auth(role), **kwargs)
            if who == PUBLIC or (role is not None and role in who):
                expected = ok
            else:
                expected = 401 if role is None else 403
            if response.status_code != expected:
                failures.append(
                    f"{method} {path} as {role}: {response.status_code} != {expected}: {response.text[:200]}"
                )
            elif expected in (401, 403):
                assert set(response.json()) >= {"error", "detail"}
    assert not failures, "\n".join(failures)


def test_bad_tokens_are_refused(env: ApiEnv) -> None:
    for header in ("Bearer nope", "Bearer ", "Basic abc", "token"):
        r = env.client.get("/api/v1/funds", headers={"Authorization": header})
        assert r.status_code == 401
        assert r.json()["error"] == "NotAuthenticated"
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_and_expired_tokens_are_refused(env: ApiEnv, engine: Engine) -> None:
    from finance_core.access import service

    admin = env.auth("admin")
    token = env.client.post("/api/v1/users/spare/tokens", headers=admin).json()["token"]
    assert (
        env.client.get("/api/v1/funds", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    assert env.client.post("/api/v1/users/spare/revoke", headers=admin).json()["revoked"] >= 1
    assert (
        env.client.get("/api/v1/funds", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    with Session(engine) as s:
        user = service.get_user(s, "spare")
        short = service.issue_token(s, user=user, ttl_days=1)
        s.commit()
        from datetime import timedelta

        from finance_core.db_types import utcnow

        assert service.authenticate(s, short) is not None
        assert service.authenticate(s, short, now=utcnow() + timedelta(days=2)) is None


def test_tokens_are_stored_hashed(env: ApiEnv, engine: Engine) -> None:
    from sqlalchemy import text

    with Session(engine) as s:
        stored = set(s.execute(text("SELECT token_hash FROM api_token")).scalars())
    assert env.tokens["admin"] not in stored
    from finance_core.access.service import hash_token

    assert hash_token(env.tokens["admin"]) in stored


def test_audit_log_records_writes_with_origin(env: ApiEnv) -> None:
    r = env.client.post(
        "/api/v1/funds",
        headers=env.auth("finance_officer"),
        json={"code": "PRJ2", "name": "Project two", "kind": "voluntary"},
    )
    assert r.status_code == 201
    log = env.client.get("/api/v1/audit?action=funds.create", headers=env.auth("committee")).json()
    assert log["total"] == 1
    event = log["items"][0]
    assert event["actor"] == "user-finance_officer"
    assert event["origin"].startswith("api ")
    assert event["object_id"] == "PRJ2"


def _close_setup(s: Session, setup: Actor) -> None:
    """Bank interest of 10.00 for SEC in 2023, and the close of SEC 2023 proposed by
    ``setup`` (close 1), for a finance officer to approve as the second person."""
    from finance_core.close.service import propose_close

    post_entry(
        s,
        actor=setup,
        value_on=date(2023, 12, 31),
        entry_type="interest",
        description="Bank interest",
        postings=[PostingSpec("SEC.bank", 1000), PostingSpec("SEC.other_revenue", -1000)],
    )
    propose_close(s, actor=setup, fund="SEC", year=2023)


def _publication_setup(s: Session, setup: Actor) -> None:
    """Two drafts proposed by ``setup``: snapshot 1 (with a file ``data.json``) for a
    finance officer to approve, snapshot 2 to withdraw."""
    from datetime import UTC, datetime

    from finance_core.publication.schemas import FileIn
    from finance_core.publication.service import propose

    for scope in ("2024", "2024-b"):
        propose(
            s,
            actor=setup,
            kind="report.test",
            scope=scope,
            title="A test report",
            as_at=date(2024, 12, 31),
            known_at=datetime(2025, 1, 15, tzinfo=UTC),
            data={"total": "100.00"},
            files=[FileIn("data.json", "application/json", b'{"total":"100.00"}')],
            reference="ATT/TEST/1",
        )


def _plan_workbook_setup(s: Session, setup: Actor) -> None:
    """The draft plan SP-WB (plan 1) with one goal, whose workbook is ``PLAN_XLSX``."""
    from strategy import service
    from strategy.models import ElementLevel
    from strategy.schemas import ElementIn, PlanIn

    plan = service.create_plan(
        s, actor=setup, data=PlanIn(code="SP-WB", title="Workbook plan", first_year=2040)
    )
    service.add_element(
        s,
        actor=setup,
        plan_id=plan.id or 0,
        data=ElementIn(level=ElementLevel.GOAL, code="G1", title="A goal", order=1),
    )


def _strategy_setup(s: Session, setup: Actor) -> None:
    """Strategic plans after ``_plan_workbook_setup``'s (plan 1, element 1), each with a
    goal G1 and an objective O1: plan 2 (2024-2028, adopted) with indicator 1, whose 2024
    value ``setup`` records (measurement 1) for a finance officer to approve; plan 3
    (2029-2033), a draft complete with indicator 2; plan 4 (2019-2023, adopted)."""
    from strategy import service
    from strategy.models import ElementLevel
    from strategy.schemas import ElementIn, IndicatorIn, MeasurementIn, PlanAdoptionIn, PlanIn

    for code, first, adopted_on in (
        ("SP-A", 2024, date(2023, 8, 25)),
        ("SP-D", 2029, None),
        ("SP-OLD", 2019, date(2018, 8, 24)),
    ):
        plan = service.create_plan(
            s, actor=setup, data=PlanIn(code=code, title=f"Plan {code}", first_year=first)
        )
        pid = plan.id or 0
        for level, parent, element in (
            (ElementLevel.GOAL, None, "G1"),
            (ElementLevel.OBJECTIVE, "G1", "O1"),
        ):
            service.add_element(
                s,
                actor=setup,
                plan_id=pid,
                data=ElementIn(level=level, parent_code=parent, code=element, title=element),
            )
        if code != "SP-OLD":
            service.add_indicator(
                s,
                actor=setup,
                plan_id=pid,
                data=IndicatorIn.model_validate(
                    {
                        "element_code": "O1",
                        "code": "I1",
                        "title": "Annual reports submitted",
                        "unit": "percent",
                        "baseline_value": "50",
                        "baseline_year": first - 1,
                        "targets": [{"year": first + k, "value": "60"} for k in range(5)],
                    }
                ),
            )
        if adopted_on is not None:
            service.adopt_plan(
                s,
                actor=setup,
                plan_id=pid,
                data=PlanAdoptionIn(decision_reference=f"ATT/DEC/{code}", adopted_on=adopted_on),
            )
    plans = {p.code: p.id for p in service.list_plans(s)}
    indicators = [i.id for i in service.indicators_of(s, plan_id=plans["SP-A"] or 0)]
    assert (plans["SP-A"], plans["SP-D"], plans["SP-OLD"], indicators) == (2, 3, 4, [1]), (
        "the TABLE's strategy paths expect plans 2, 3 and 4, elements 2 to 7, indicator 1"
    )
    service.record_measurement(
        s, actor=setup, indicator_id=1, data=MeasurementIn(year=2024, value="61.5")
    )


def _annual_update_setup(s: Session, setup: Actor) -> None:
    """The 2024 update of plan 2 (SP-A), proposed by ``setup`` and published by another
    officer: snapshot 3 (after ``_publication_setup``'s two drafts)."""
    from finance_core.publication.service import approve
    from strategy.annual_update import propose_update
    from strategy.schemas import AnnualUpdateIn, GoalNarrativeIn

    snapshot = propose_update(
        s,
        actor=setup,
        plan_id=2,
        year=2024,
        as_at=date(2024, 12, 31),
        data=AnnualUpdateIn(
            narratives=[GoalNarrativeIn(goal_code="G1", text="The first year.")],
            reference="ATT/MC/2025/1",
        ),
    )
    approve(s, actor=Actor(name="checker", origin="test"), snapshot_id=snapshot.id or 0)
    assert snapshot.id == 3, "the TABLE's public paths expect snapshot 3"


def _report_setup(s: Session, setup: Actor) -> None:
    """The 2024 status of contributions, proposed by ``setup`` and published by another
    officer: snapshot 4."""
    from finance_core.publication.service import approve
    from reports.publish import propose_report
    from reports.service import request_for

    snapshot = propose_report(
        s,
        actor=setup,
        name="status-of-contributions",
        request=request_for(as_at=date(2024, 12, 31)),
        reference="ATT/MC/2025/4",
    )
    approve(s, actor=Actor(name="checker", origin="test"), snapshot_id=snapshot.id or 0)
    assert snapshot.id == 4, "the TABLE's public report paths expect snapshot 4"
