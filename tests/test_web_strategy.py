"""The strategic plan, measurements, the annual update and publications in the web
interface, on the demo and both databases: a draft plan edited and adopted; a measurement
entered by one officer, refused to its author's approval and approved by a second one,
then shown on the plan page; a report proposed and published by two different officers;
the Management Committee reads every page and writes nothing. In Chromium: the officer
enters a measurement and proposes the annual update, the checker (in a second browser)
approves both, and the update appears on the public portal."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from finance_core.publication import service as publication
from reports import publish
from strategy import queries, service
from tests.browser import open_page
from tests.fixtures_web import WebDemo, browser_sign_in, shot

PLAN = "SP-2026-2030"
YEAR = 2026


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, key…) of the form posting to ``action``."""
    found = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert found, f"no form posts to {action}"
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(1))
    return dict(hidden)


def _count(web_demo: WebDemo, sql: str, **params: Any) -> int:
    with web_demo.engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def _indicator(web_demo: WebDemo, code: str) -> int:
    with Session(web_demo.engine) as s:
        plan = service.find_plan(s, code=PLAN)
        return next(
            i.id or 0 for i in service.indicators_of(s, plan_id=plan.id or 0) if i.code == code
        )


def test_committee_reads_everything_and_writes_nothing(web_demo: WebDemo) -> None:
    member = web_demo.client("member")
    with Session(web_demo.engine) as s:
        plan_id = service.find_plan(s, code=PLAN).id
    update = _count(web_demo, "SELECT MIN(id) FROM snapshot WHERE kind = 'strategy.annual_update'")
    before = _count(web_demo, "SELECT COUNT(*) FROM strategy_measurement")
    snapshots = _count(web_demo, "SELECT COUNT(*) FROM snapshot")
    pages = {
        "/app/strategy": PLAN,
        f"/app/strategy/plans/{plan_id}": "Goals, objectives and indicators",
        "/app/strategy/measurements": "Awaiting approval",
        "/app/strategy/annual-updates": "SP-2021-2025/2025",
        f"/app/strategy/annual-updates/{update}": "Maker-checker",
        "/app/publications": "Snapshots",
        f"/app/publications/{update}": "The stored data and files still give this hash.",
    }
    for path, expected in pages.items():
        page = member.get(path)
        assert page.status_code == 200 and expected in page.text, path
        assert "<form" not in page.text.split("</header>")[1], path  # read-only: no form
    assert (
        "Awaiting approval by a finance officer other than demo-officer"
        in member.get("/app/strategy/measurements").text
    )
    csrf = _form(member.get("/app/password").text, "/app/password")["csrf_token"]
    pending = _count(
        web_demo,
        "SELECT MIN(m.id) FROM strategy_measurement m WHERE NOT EXISTS (SELECT 1 FROM "
        "strategy_measurement_approval a WHERE a.measurement_id = m.id) AND NOT EXISTS "
        "(SELECT 1 FROM strategy_measurement x WHERE x.supersedes_id = m.id)",
    )
    writes = {
        "/app/strategy/measurements": {"indicator_id": "1", "year": "2026", "value": "1"},
        f"/app/strategy/measurements/{pending}/approval": {},
        "/app/strategy/annual-updates": {"plan_id": str(plan_id), "year": "2026"},
        "/app/publications": {"name": "honour-roll", "as_at": "2026-09-30", "reference": "x"},
        f"/app/strategy/plans/{plan_id}/adoption": {},
    }
    for path, data in writes.items():
        refused = member.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
        assert refused.status_code == 403, path
    assert _count(web_demo, "SELECT COUNT(*) FROM strategy_measurement") == before
    assert _count(web_demo, "SELECT COUNT(*) FROM snapshot") == snapshots
    assert (
        _count(
            web_demo,
            "SELECT COUNT(*) FROM strategy_measurement_approval a WHERE a.measurement_id = :m",
            m=pending,
        )
        == 0
    )
    admin = web_demo.client("keeper")
    assert admin.get("/app/strategy").status_code == 403
    assert admin.get("/app/publications").status_code == 403


def test_a_measurement_needs_a_second_person(web_demo: WebDemo) -> None:
    officer, checker = web_demo.client("officer"), web_demo.client("checker")
    indicator = _indicator(web_demo, "I1.1")
    page = officer.get(f"/app/strategy/measurements?indicator_id={indicator}")
    fields = {
        **_form(page.text, "/app/strategy/measurements"),
        "indicator_id": str(indicator),
        "year": str(YEAR),
        "value": "14",
        "evidence_url": "https://example.org/dief-2026",
    }
    first = officer.post("/app/strategy/measurements", data=fields, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = officer.post("/app/strategy/measurements", data=fields, follow_redirects=False)
    assert again.status_code == 303  # the same form once more: recorded once
    count = "SELECT COUNT(*) FROM strategy_measurement WHERE indicator_id = :i AND year = :y"
    assert _count(web_demo, count, i=indicator, y=YEAR) == 1
    listed = officer.get(first.headers["location"]).text
    assert "Measurement recorded: it awaits approval by a second finance officer." in listed
    with Session(web_demo.engine) as s:
        latest = queries.latest_version(s, indicator_id=indicator, year=YEAR)
        assert latest is not None and latest.recorded_by == "officer"
        measurement_id = latest.id
    card = listed.split(f'id="measurement-{measurement_id}"')[1].split("</li>")[0]
    assert "You entered this value: a second person must approve it." in card
    assert "/approval" not in card  # no approval button for its author

    # the author's approval, forged past the page, is refused by the service
    csrf = _form(listed, "/app/strategy/measurements")["csrf_token"]
    refused = officer.post(
        f"/app/strategy/measurements/{measurement_id}/approval",
        data={"csrf_token": csrf, "key": "self-approval"},
    )
    assert refused.status_code == 403
    assert f"officer recorded measurement {measurement_id}: another person must approve it" in (
        refused.text
    )
    approvals = "SELECT COUNT(*) FROM strategy_measurement_approval WHERE measurement_id = :m"
    assert _count(web_demo, approvals, m=measurement_id) == 0

    # the checker approves it: it is the value on the plan page
    action = f"/app/strategy/measurements/{measurement_id}/approval"
    done = checker.post(
        action,
        data=_form(checker.get("/app/strategy/measurements").text, action),
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _count(web_demo, approvals, m=measurement_id) == 1
    with Session(web_demo.engine) as s:
        plan_id = service.find_plan(s, code=PLAN).id
        in_force = service.values_in_force(s, indicator_id=indicator)
    assert in_force[(YEAR, "")] == 14
    row = officer.get(f"/app/strategy/plans/{plan_id}").text.split(f'id="indicator-{indicator}"')[1]
    assert '<strong>14</strong><br><span class="hint">2026</span>' in row.split("</tr>")[0]

    # a new value for the year shows the version it would replace before replacing it
    fields = {
        **_form(officer.get("/app/strategy/measurements").text, "/app/strategy/measurements"),
        "indicator_id": str(indicator),
        "year": str(YEAR),
        "value": "15",
    }
    asked = officer.post("/app/strategy/measurements", data=fields)
    assert asked.status_code == 422
    assert f"already has version No. {measurement_id}: 14, entered by officer (approved)" in (
        asked.text
    )
    confirmed = {**fields, **_form(asked.text, "/app/strategy/measurements")}
    assert confirmed["supersedes"] == str(measurement_id)
    assert (
        officer.post(
            "/app/strategy/measurements", data=confirmed, follow_redirects=False
        ).status_code
        == 303
    )
    assert _count(web_demo, count, i=indicator, y=YEAR) == 2


def test_a_draft_plan_is_edited_then_adopted(web_demo: WebDemo) -> None:
    officer = web_demo.client("officer")
    fields = {
        **_form(officer.get("/app/strategy").text, "/app/strategy/plans"),
        "code": "SP-2031-2035",
        "title": "Strategic Plan 2031-2035",
        "first_year": "2031",
    }
    created = officer.post("/app/strategy/plans", data=fields, follow_redirects=False)
    assert created.status_code == 303
    base = created.headers["location"].split("?")[0]
    plan_id = int(base.rsplit("/", 1)[1])

    def post(action: str, **data: str) -> Any:
        hidden = _form(officer.get(base).text, action)
        return officer.post(action, data={**hidden, **data}, follow_redirects=False)

    elements = f"/app/strategy/plans/{plan_id}/elements"
    assert post(elements, level="goal", code="G1", title="Universal treaty").status_code == 303
    assert (
        post(
            elements, level="objective", parent_code="G1", code="O1.1", title="More States Parties"
        ).status_code
        == 303
    )
    assert (
        post(
            elements, level="activity", parent_code="O1.1", code="A1.1.1", title="Outreach"
        ).status_code
        == 303
    )
    wrong = post(elements, level="objective", code="O1.2", title="No goal given")
    assert wrong.status_code == 422 and "an objective needs its goal" in wrong.text
    targets = {f"target_{y}": str(10 * (y - 2030)) for y in range(2031, 2035)}  # no 2035
    added = post(
        f"/app/strategy/plans/{plan_id}/indicators",
        element_code="O1.1",
        code="I1.1",
        title="New States Parties",
        unit="count",
        direction="higher_is_better",
        baseline_value="0",
        baseline_year="2030",
        target_kind="cumulative",
        source="entered",
        **targets,
    )
    assert added.status_code == 303, added.text
    refused = post(
        f"/app/strategy/plans/{plan_id}/adoption",
        decision_reference="ATT/CSP16/2030/DEC.1",
        adopted_on=date.today().isoformat(),
    )
    assert refused.status_code == 422 and "no target for 2035" in refused.text
    with Session(web_demo.engine) as s:
        ids = {e.code: e.id for e in service.elements_of(s, plan_id=plan_id)}
        indicator = service.indicators_of(s, plan_id=plan_id)[0].id
    assert (
        post(
            f"/app/strategy/indicators/{indicator}",
            baseline_value="2",
            baseline_year="2030",
            **targets,
            target_2035="50",
        ).status_code
        == 303
    )
    assert (
        post(
            f"/app/strategy/elements/{ids['G1']}", code="G1", title="A universal treaty", order="0"
        ).status_code
        == 303
    )
    assert post(f"/app/strategy/elements/{ids['A1.1.1']}/removal").status_code == 303
    busy = post(f"/app/strategy/elements/{ids['O1.1']}/removal")
    assert busy.status_code == 409 and "remove them first" in busy.text
    with Session(web_demo.engine) as s:
        assert [e.code for e in service.elements_of(s, plan_id=plan_id)] == ["G1", "O1.1"]
        assert service.targets_of(s, indicator_id=indicator or 0)[2035] == 50
        assert service.get_indicator(s, indicator_id=indicator or 0).baseline_value == 2
    page = officer.get(base).text
    assert "A universal treaty" in page and "Nothing keeps this plan back" in page
    adopted = post(
        f"/app/strategy/plans/{plan_id}/adoption",
        decision_reference="ATT/CSP16/2030/DEC.1",
        adopted_on=date.today().isoformat(),
    )
    assert adopted.status_code == 303
    page = officer.get(adopted.headers["location"]).text
    assert "Adoption recorded" in page and "Rename or remove" not in page
    with Session(web_demo.engine) as s:
        assert service.get_plan(s, plan_id=plan_id).status == "adopted"


def test_a_publication_needs_a_second_person(web_demo: WebDemo) -> None:
    """The update of the closed plan for 2023 (none was made) is proposed by the officer,
    refused to its author and published by the checker under /app/publications."""
    officer, checker = web_demo.client("officer"), web_demo.client("checker")
    with Session(web_demo.engine) as s:
        old = service.find_plan(s, code="SP-2021-2025")
        goals = [e.code for e in service.elements_of(s, plan_id=old.id or 0) if e.level == "goal"]
    form = officer.get(f"/app/strategy/annual-updates/new?plan_id={old.id}&year=2023")
    assert form.status_code == 200 and "Figures as at" in form.text
    fields = {
        **_form(form.text, "/app/strategy/annual-updates"),
        "as_at": "2023-12-31",
        "reference": "ATT/MC/2024/UPDATE-2023",
        **{f"narrative_{g}": f"What 2023 brought for {g}." for g in goals[1:]},
    }
    missing = officer.post("/app/strategy/annual-updates", data=fields)
    assert missing.status_code == 422 and f"no narrative for {goals[0]}" in missing.text
    fields[f"narrative_{goals[0]}"] = "The first goal's year."
    before = _count(web_demo, "SELECT COUNT(*) FROM snapshot")
    proposed = officer.post("/app/strategy/annual-updates", data=fields, follow_redirects=False)
    assert proposed.status_code == 303
    again = officer.post("/app/strategy/annual-updates", data=fields, follow_redirects=False)
    assert again.headers["location"] == proposed.headers["location"]  # proposed once
    assert _count(web_demo, "SELECT COUNT(*) FROM snapshot") == before + 1
    snapshot_id = int(proposed.headers["location"].split("?")[0].rsplit("/", 1)[1])
    with Session(web_demo.engine) as s:
        snapshot = publication.get(s, snapshot_id)
        assert (snapshot.scope, snapshot.author) == ("SP-2021-2025/2023", "officer")
        content_hash = snapshot.content_hash
    listing = officer.get("/app/publications").text
    row = listing.split(f'href="/app/publications/{snapshot_id}"')[1].split("</tr>")[0]
    assert "SP-2021-2025/2023" in row and "awaiting a second person" in row
    assert f"{content_hash[:12]}…" in row
    detail = officer.get(f"/app/publications/{snapshot_id}").text
    assert "You proposed this snapshot: it is awaiting a second person." in detail
    assert "Approve and publish" not in detail

    # the author's approval, forged past the page, is refused by the service
    action = f"/app/publications/{snapshot_id}/approval"
    csrf = _form(detail, f"/app/publications/{snapshot_id}/withdrawal")["csrf_token"]
    forged = officer.post(action, data={"csrf_token": csrf, "key": "self-approval"})
    assert forged.status_code == 403
    assert f"officer proposed snapshot {snapshot_id}: someone else must approve it" in forged.text
    assert officer.get(f"/publications/{snapshot_id}").status_code == 404  # a draft: not public
    page = checker.get(f"/app/publications/{snapshot_id}").text
    done = checker.post(action, data=_form(page, action), follow_redirects=False)
    assert done.status_code == 303
    page = checker.get(done.headers["location"]).text
    assert "Approved and published by <strong>checker</strong>" in page
    assert f'href="/publications/{snapshot_id}"' in page
    with Session(web_demo.engine) as s:
        out = publication.snapshot_out(s, publication.get(s, snapshot_id))
    assert (out.status, out.author, out.approver) == ("published", "officer", "checker")
    public = officer.get(f"/publications/{snapshot_id}")
    assert public.status_code == 200 and content_hash in public.text


def test_a_report_is_proposed_for_publication(
    web_demo: WebDemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form refuses what the service refuses, writing nothing, and proposes a report
    once (frozen here with its json and csv files only: xlsx, html and pdf in three
    languages take seconds to render and are tested with the reports)."""
    whole = publish.rendered_files
    monkeypatch.setattr(publish, "rendered_files", lambda report, **_: whole(report, languages=()))
    officer = web_demo.client("officer")
    fields = {
        **_form(officer.get("/app/publications").text, "/app/publications"),
        "name": "honour-roll",
        "as_at": "2026-09-30",
        "year": "2026",
    }
    before = _count(web_demo, "SELECT COUNT(*) FROM snapshot")
    missing = officer.post("/app/publications", data=fields)  # no reference
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.text
    unknown = officer.post("/app/publications", data={**fields, "name": "x", "reference": "R"})
    assert unknown.status_code == 422 and "no report &#39;x&#39;" in unknown.text
    assert _count(web_demo, "SELECT COUNT(*) FROM snapshot") == before
    fields["reference"] = "ATT/MC/2026/HONOUR-ROLL"
    proposed = officer.post("/app/publications", data=fields, follow_redirects=False)
    assert proposed.status_code == 303
    again = officer.post("/app/publications", data=fields, follow_redirects=False)
    assert again.headers["location"] == proposed.headers["location"]
    assert _count(web_demo, "SELECT COUNT(*) FROM snapshot") == before + 1
    snapshot_id = int(proposed.headers["location"].split("?")[0].rsplit("/", 1)[1])
    with Session(web_demo.engine) as s:
        out = publication.snapshot_out(s, publication.get(s, snapshot_id))
    assert (out.kind, out.scope, out.status, out.author) == (
        "report.honour_roll",
        "2026",
        "draft",
        "officer",
    )
    detail = officer.get(proposed.headers["location"]).text
    assert "Honour roll" in detail and "awaiting a second person" in detail
    for f in out.files:
        assert f'href="/app/publications/{snapshot_id}/files/{f.name}"' in detail
    download = officer.get(f"/app/publications/{snapshot_id}/files/{out.files[0].name}")
    assert download.headers["etag"] == f'"{out.files[0].sha256}"'


def test_measurement_and_annual_update_in_the_browser(web_demo: WebDemo, browser: Any) -> None:
    """At 1280 px: the officer enters a value and proposes the 2026 update, the checker (a
    second browser) approves both; the update is then on the public portal with that
    value. The journey writes, so it runs once; its pages are then shown at 390 px."""
    url = web_demo.url()
    officer, officer_page, officer_errors = open_page(browser, 1280)
    checker, checker_page, checker_errors = open_page(browser, 1280)
    try:
        browser_sign_in(officer_page, url, "officer")
        browser_sign_in(checker_page, url, "checker")
        page = officer_page
        page.get_by_role("link", name="Strategic plan").first.click()
        page.get_by_role("link", name="Measurements", exact=True).click()
        page.get_by_label("Indicator", exact=True).select_option(
            label="I7.1 " + _title(web_demo, "I7.1")
        )
        page.get_by_label("Year", exact=True).select_option(str(YEAR))
        page.get_by_label("Value", exact=True).fill("61.5")
        page.get_by_label("Evidence (web address, optional)").fill("https://example.org/i7-1")
        page.get_by_role("button", name="Record the measurement").click()
        assert "awaits approval by a second" in page.get_by_role("status").inner_text()
        shot(page, web_demo.dialect, "strategy-measurements", 1280)

        checker_page.goto(url + "/app/strategy/measurements")
        checker_page.get_by_role("button", name=f"Approve I7.1 {YEAR}").click()
        assert "now the value in force" in checker_page.get_by_role("status").inner_text()

        page.get_by_role("link", name="Plans", exact=True).click()
        page.get_by_role("link", name=PLAN).click()
        page.get_by_role("heading", name=re.compile(r"^G7 ")).click()  # opens the goal
        row = page.locator(f"#indicator-{_indicator(web_demo, 'I7.1')}")
        assert "61.5 %" in row.inner_text()
        shot(page, web_demo.dialect, "strategy-plan", 1280)

        page.get_by_role("link", name="Annual updates", exact=True).click()
        page.get_by_label("Plan", exact=True).select_option(label=f"{PLAN} (2026-2030)")
        page.get_by_label("Year reported on").fill(str(YEAR))
        page.get_by_role("button", name="Prepare the update").click()
        page.get_by_label("Reference authorising publication").fill("ATT/MC/2026/UPDATE")
        for goal in page.locator("fieldset legend .sp-code").all_inner_texts():
            page.get_by_label(f"What the year brought for {goal}", exact=True).fill(
                f"{goal}: a first year."
            )
        page.get_by_role("button", name="Propose the update").click()
        assert page.get_by_text(
            "You proposed this snapshot: it is awaiting a second person"
        ).is_visible()
        update_url = page.url.split("?")[0]
        shot(page, web_demo.dialect, "strategy-annual-update", 1280)

        checker_page.goto(update_url)
        checker_page.get_by_role("button", name="Approve and publish").click()
        assert "published" in checker_page.get_by_role("status").inner_text()
        checker_page.get_by_role("link", name="Open it on the public portal").click()
        public = checker_page.url.removeprefix(url)  # /publications/{id}
        assert f"Annual update {YEAR}: {PLAN}" in checker_page.locator("main").inner_text()
        checker_page.goto(url + "/archive")
        assert checker_page.locator(f'main a[href="{public}"]').count() >= 1
        page.get_by_role("link", name="Publications", exact=True).click()
        shot(page, web_demo.dialect, "publications", 1280)
        with Session(web_demo.engine) as s:
            plan_id = service.find_plan(s, code=PLAN).id
            published = publication.latest_published(
                s, kind="strategy.annual_update", scope=f"{PLAN}/{YEAR}"
            )
            assert published is not None and f"/publications/{published.id}" == public
            frozen = [
                i
                for g in json.loads(published.data)["goals"]
                for i in g["indicators"]
                if i["code"] == "I7.1"
            ]
            assert frozen[0]["value"] == "61.5"  # the value the checker approved

        # the same pages on a phone
        page.set_viewport_size({"width": 390, "height": 900})
        page.goto(f"{url}/app/strategy/plans/{plan_id}")
        page.get_by_role("heading", name=re.compile(r"^G7 ")).click()
        shot(page, web_demo.dialect, "strategy-plan", 390)
        for path, name in (
            ("/app/strategy/measurements", "strategy-measurements"),
            (update_url.removeprefix(url), "strategy-annual-update"),
            ("/app/publications", "publications"),
        ):
            page.goto(url + path)
            shot(page, web_demo.dialect, name, 390)
        assert officer_errors == [] and checker_errors == []
    finally:
        officer.close()
        checker.close()


def _title(web_demo: WebDemo, code: str) -> str:
    with Session(web_demo.engine) as s:
        return service.get_indicator(s, indicator_id=_indicator(web_demo, code)).title
