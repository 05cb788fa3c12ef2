"""Budgets and assessment runs in the web interface, on a copy of the demo and on both
databases: the pages show the service's figures; a committee member reads them without
the forms, and their writes are refused; a revision recorded through the form and the
wizard's preview write nothing twice and nothing early (the preview's total is the
budget's amount to assess to the cent); confirming records one run even when the form
is sent again; a run the service refuses comes back on the wizard with its reason; and,
in the browser, an officer records a budget, runs its assessment through the wizard and
opens a State's notice."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from finance_core.assessments import service as assessments
from finance_core.assessments.models import AssessmentRun
from finance_core.budgets import service as budgets
from finance_core.budgets.models import BudgetVersion
from finance_core.ledger.models import JournalEntry
from finance_core.money import format_minor
from tests.fixtures_web import WebDemo, at_each_width, shot
from tests.web_helpers import form_csrf

#: The day the tests run their assessments (after the demo's last date, in an open year).
RUN_ON = date(2026, 12, 1)


def _key(html: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', html)
    assert found, "the form has no idempotency key"
    return found.group(1)


def _count(engine: Engine, column: Any) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count(column))).scalar_one())


def _cells(html: str) -> list[str]:
    return re.findall(r'<td class="num">([^<]*)</td>', html)


def test_readers_see_the_services_figures_and_only_officers_write(web_demo: WebDemo) -> None:
    member, officer = web_demo.client("member"), web_demo.client("officer")
    with Session(web_demo.engine) as s:
        runs = assessments.list_runs(s)
        run = next(r for r in runs if r.kind == "initial")
        _, lines = assessments.get_run(s, run.id or 0)
        budget_count = len(budgets.list_budgets(s))
    page = member.get("/app/assessments")
    assert page.status_code == 200
    assert page.text.count('href="/app/assessments/budgets/') == budget_count
    assert page.text.count('<th scope="row"><a href="/app/assessments/runs/') == len(runs)
    assert "Record a budget" not in page.text and "Run an assessment" not in page.text
    assert "Record a budget" in officer.get("/app/assessments").text

    shown = member.get(f"/app/assessments/runs/{run.id}?format=xlsx")
    assert shown.status_code == 200
    assert f'id="run-total">{format_minor(run.amount_minor)}<' in shown.text
    amounts = [format_minor(x.amount_minor) for x in lines]
    assert _cells(shown.text)[0::3][: len(lines)] == amounts  # assessed, posted, rate
    assert sum(x.amount_minor for x in lines) == run.amount_minor
    notice = member.get(f"/app/assessments/runs/{run.id}/notices/{lines[0].state_code}?format=xlsx")
    assert notice.status_code == 200 and notice.content[:2] == b"PK"
    assert "attachment" in notice.headers["content-disposition"]
    assert member.get(f"/app/assessments/runs/{run.id}/notices/ZZZ").status_code == 404

    budget_page = member.get(f"/app/assessments/budgets/{run.budget_id}")
    assert budget_page.status_code == 200 and "Revisions" in budget_page.text
    assert (
        "Revise this budget" not in budget_page.text and 'name="line_code"' not in budget_page.text
    )
    assert member.get("/app/assessments/run").status_code == 403
    assert member.get("/app/assessments/budgets/new").status_code == 403
    csrf = form_csrf(page.text)
    writes = (
        "/app/assessments/budgets",
        f"/app/assessments/budgets/{run.budget_id}/revisions",
        "/app/assessments/run/preview",
        "/app/assessments/runs",
    )
    before = _count(web_demo.engine, AssessmentRun.id)
    for path in writes:
        data = {"csrf_token": csrf, "budget_id": str(run.budget_id), "run_on": "2026-12-01"}
        assert member.post(path, data=data).status_code == 403, path
    assert _count(web_demo.engine, AssessmentRun.id) == before
    assert web_demo.client("keeper").get("/app/assessments").status_code == 403


def _revise(officer: TestClient, budget_id: int, decision: str) -> dict[str, Any]:
    form = officer.get(f"/app/assessments/budgets/{budget_id}")
    codes = re.findall(r'name="line_code" value="([^"]*)"', form.text)
    titles = re.findall(r'name="line_title" value="([^"]*)"', form.text)
    amounts = re.findall(r'name="line_amount" value="([^"]*)"', form.text)
    amounts[0] = "10000.00"  # the first line cut to ten thousand dollars
    return {
        "csrf_token": form_csrf(form.text),
        "key": _key(form.text),
        "decision_symbol": decision,
        "adopted_on": "2026-11-20",
        "carried_over": "0.00",
        "line_code": codes,
        "line_title": titles,
        "line_amount": amounts,
    }


def test_revision_preview_and_a_run_recorded_once(web_demo: WebDemo) -> None:
    officer, engine = web_demo.client("officer"), web_demo.engine
    with Session(engine) as s:
        budget = budgets.find_budget(s, fund_code="CSP", year=2026)
    assert budget.id is not None
    fields = _revise(officer, budget.id, "ATT/CSP12/2026/CSP/FIN/Rev.1")
    bad = officer.post(
        f"/app/assessments/budgets/{budget.id}/revisions",
        data={**fields, "line_amount": ["12,5x", *fields["line_amount"][1:]]},
    )
    assert bad.status_code == 422 and 'id="amount-0" name="line_amount" value="12,5x"' in bad.text
    versions = _count(engine, BudgetVersion.id)
    for _ in range(2):  # a resubmitted form records the revision once
        done = officer.post(
            f"/app/assessments/budgets/{budget.id}/revisions", data=fields, follow_redirects=False
        )
        assert done.status_code == 303, done.text
    assert _count(engine, BudgetVersion.id) == versions + 1
    page = officer.get(f"/app/assessments/budgets/{budget.id}")
    assert "Revision 1" in page.text and "ATT/CSP12/2026/CSP/FIN/Rev.1" in page.text

    wizard = officer.get(f"/app/assessments/run?budget={budget.id}")
    assert f'<option value="{budget.id}" selected>' in wizard.text
    choice = {
        "csrf_token": form_csrf(wizard.text),
        "key": _key(wizard.text),
        "budget_id": str(budget.id),
        "run_on": RUN_ON.isoformat(),
    }
    runs, entries = _count(engine, AssessmentRun.id), _count(engine, JournalEntry.seq)
    preview = officer.post("/app/assessments/run/preview", data=choice)
    assert preview.status_code == 200 and "Confirm and record the run" in preview.text
    with Session(engine) as s:
        plan = assessments.plan_run(s, budget_id=budget.id, run_on=RUN_ON)
        in_force = budgets.in_force(s, budget.id, RUN_ON)
    assert in_force is not None and plan.amount_minor == in_force.to_assess_minor
    assert f'id="total">US$ {format_minor(in_force.to_assess_minor)}<' in preview.text
    assert "equal to the amount to assess" in preview.text and "Methodology used" in preview.text
    shares = _cells(preview.text)
    assert [format_minor(x.amount_minor) for x in plan.lines()] == shares[0::4][: len(plan.lines())]
    assert (_count(engine, AssessmentRun.id), _count(engine, JournalEntry.seq)) == (runs, entries)

    first = officer.post("/app/assessments/runs", data=choice, follow_redirects=False)
    again = officer.post("/app/assessments/runs", data=choice, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert _count(engine, AssessmentRun.id) == runs + 1
    run_id = int(first.headers["location"].rsplit("/", 1)[1])
    with Session(engine) as s:
        run, lines = assessments.get_run(s, run_id)
    assert run.kind == "revision" and run.amount_minor == plan.amount_minor
    assert run.posted_minor == plan.posted_minor
    shown = officer.get(first.headers["location"])
    assert f'id="run-posted">{format_minor(run.posted_minor)}<' in shown.text
    assert _cells(shown.text)[1::3][: len(lines)] == [format_minor(x.delta_minor) for x in lines]

    refused = officer.post(
        "/app/assessments/run/preview", data={**choice, "key": "another form"}
    )  # the same budget again: already assessed
    assert refused.status_code == 422 and "already assessed" in refused.text
    again_new = officer.post("/app/assessments/runs", data={**choice, "key": "a third form"})
    assert again_new.status_code == 422 and "already assessed" in again_new.text
    assert _count(engine, AssessmentRun.id) == runs + 1


def test_an_officer_runs_an_assessment_in_the_browser(web_demo: WebDemo, browser: Any) -> None:
    """Record the 2027 budget of a fund (the Secretariat at 1280 px, the CSP at 390 px:
    every demo budget is assessed already), run its assessment through the wizard, check
    the preview's total, confirm, and open a State's notice."""
    url = web_demo.url()
    funds = {1280: ("SEC", "1200000.00"), 390: ("CSP", "650000.00")}

    def journey(page: Any, width: int) -> None:
        fund, amount = funds[width]
        page.get_by_role("link", name="Assessments", exact=True).click()
        page.wait_for_url(url + "/app/assessments")
        shot(page, web_demo.dialect, "assessments", width)
        page.get_by_role("link", name="Record a budget").click()
        page.get_by_label("Fund", exact=True).select_option(fund)
        page.get_by_label("Financial year").fill("2027")
        page.get_by_label("CSP decision (reference)").fill(f"ATT/CSP12/2026/{fund}/FIN")
        page.get_by_label("Adopted on").fill("2026-08-28")
        page.get_by_label("Code of line 1").fill(f"{fund}-01")
        page.get_by_label("Title of line 1").fill("Running costs")
        page.get_by_label("Amount (US$) of line 1").fill(amount)
        page.get_by_role("button", name="Record the budget").click()
        page.wait_for_url(re.compile(r".*/app/assessments/budgets/\d+$"))
        assert page.locator("#to-assess").inner_text() == amount
        page.get_by_role("link", name="Run an assessment of this budget").click()
        assert "not assessed yet" in page.get_by_label("Budget (year and fund)").inner_text()
        page.get_by_label("Date of the run").fill("2026-12-01")
        shot(page, web_demo.dialect, "assessment-step1", width)
        page.get_by_role("button", name="Preview the assessment").click()
        page.wait_for_url(url + "/app/assessments/run/preview")
        assert page.locator("#total").inner_text() == f"US$ {amount}"
        assert page.locator("#to-assess").inner_text() == amount
        shot(page, web_demo.dialect, "assessment-step2", width)
        page.get_by_role("button", name="Confirm and record the run").click()
        page.wait_for_url(re.compile(r".*/app/assessments/runs/\d+$"))
        assert page.locator("#run-total").inner_text() == amount
        shot(page, web_demo.dialect, "assessment-run", width)
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(r"^Notice of .*\(pdf\)$")).first.click()
        saved = download.value
        assert re.fullmatch(
            rf"notice-2027-{fund}-run\d+-[A-Z]{{3}}-en\.pdf", saved.suggested_filename
        )
        with open(saved.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"

    at_each_width(browser, url, "officer", journey)
    with Session(web_demo.engine) as s:
        for fund, _ in funds.values():
            budget = budgets.find_budget(s, fund_code=fund, year=2027)
            assert len(assessments.list_runs(s, budget_id=budget.id)) == 1
