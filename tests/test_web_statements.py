"""Importing a bank statement in the web interface, on the demo and both databases: the
upload shows the file's columns with the mapping preselected; the review shows each
line's status and allocation as the service's dry run gives them, and a State chosen for
an unmatched line makes it recordable; recording writes exactly the chosen lines, once
even when the form is submitted twice; a changed carried file, a bad file or a mapping
that does not fit is refused with 422 and writes nothing; only finance officers get in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.money import format_minor
from finance_core.payments import bank_import
from finance_core.payments.bank_import import ColumnMapping
from finance_core.payments.models import Receipt
from finance_core.states.importer import MAX_BYTES
from tests.fixtures_web import WebDemo, at_each_width, shot
from tests.web_helpers import form_csrf

BASE = "/app/bank-statements"
HEADER = "Value Date,Amount,Currency,Reference,Payer\n"


def _receipts(web_demo: WebDemo, *references: str) -> dict[str, list[str]]:
    """Receipt count overall (key ``*``) and the State of each receipt per reference."""
    with Session(web_demo.engine) as s:
        found: dict[str, list[str]] = {r: [] for r in references}
        rows = s.execute(
            select(col(Receipt.bank_reference), col(Receipt.state_code)).where(
                col(Receipt.bank_reference).in_(references)
            )
        ).all()
        for reference, state in rows:
            found[reference].append(state)
        total = s.execute(select(func.count()).select_from(Receipt)).scalar_one()
        found["*"] = [str(total)]
        return found


def _hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def _carried(html: str) -> dict[str, Any]:
    """The fields of a page's form that carry the file, its mapping and its key."""
    fields: dict[str, Any] = {
        "csrf_token": form_csrf(html),
        "file_name": _hidden(html, "file_name")[0],
        "file_mac": _hidden(html, "file_mac")[0],
        "file_data": _hidden(html, "file_data"),
    }
    for name in ("key", *(f"map_{n}" for n in ColumnMapping.model_fields)):
        found = _hidden(html, name)
        if found:
            fields[name] = found[0]
    return fields


def _selected(html: str) -> dict[str, str]:
    """The option preselected in each select of the mapping form."""
    found = {}
    for name, body in re.findall(r'<select id="(map_\w+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


def _lines(html: str) -> dict[int, tuple[str, bool | None]]:
    """Row → (status, ticked): ticked is None when the line cannot be chosen."""
    found = {}
    for status, cell, row in re.findall(
        r'<tr class="line-(\w+)">\s*<td>(.*?)</td>\s*<th scope="row">(\d+)</th>', html, re.S
    ):
        ticked = None if "checkbox" not in cell else " checked" in cell
        found[int(row)] = (status, ticked)
    return found


def test_upload_map_review_and_record_once(web_demo: WebDemo) -> None:
    client = web_demo.client("officer")
    with Session(web_demo.engine) as s:
        used = s.execute(select(col(Receipt.bank_reference)).limit(1)).scalar_one()
    refs = ("WEB-ST-T1", "WEB-ST-T2", "WEB-ST-T3")
    statement = (
        HEADER
        + f"2026-09-15,1200.00,USD,{refs[0]},FRA\n"  # ready: by code
        + f"2026-09-16,800.00,USD,{refs[1]},Ministry of Finance\n"  # unmatched: never guessed
        + f"2026-09-17,12x,USD,{refs[2]},ITA\n"  # invalid amount
        + f"2026-09-18,50.00,USD,{used},ARG\n"  # duplicate: already recorded in the demo
    ).encode()
    before = _receipts(web_demo, *refs)

    form = client.get(BASE)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    mapping = client.post(
        f"{BASE}/mapping",
        data={"csrf_token": form_csrf(form.text)},
        files={"file": ("september.csv", statement, "text/csv")},
    )
    assert mapping.status_code == 200, mapping.text
    assert "<code>value date</code>" in mapping.text and "<code>payer</code>" in mapping.text
    assert _selected(mapping.text) == {
        "map_value_on": "value date",
        "map_amount": "amount",
        "map_currency": "currency",
        "map_usd_amount": "",  # no such column: none
        "map_reference": "reference",
        "map_payer": "payer",
    }
    carried = {**_carried(mapping.text), **_selected(mapping.text)}

    review = client.post(f"{BASE}/review", data=carried)
    assert review.status_code == 200, review.text
    assert _lines(review.text) == {
        2: ("ready", True),
        3: ("unmatched", False),
        4: ("invalid", None),
        5: ("duplicate", None),
    }
    with Session(web_demo.engine) as s:  # the page shows the service's own proposal
        columns = ColumnMapping(value_on="value date")
        proposed = bank_import.dry_run(
            s, content=statement, filename="september.csv", mapping=columns
        )
    for a in proposed[0].allocations:
        amount = format_minor(int(a["amount_minor"] or 0))
        assert f'<span class="num">{amount}</span>' in review.text
    assert 'name="state_3"' in review.text and 'name="state_2"' not in review.text

    fixed = client.post(
        f"{BASE}/review",
        data={**_carried(review.text), "reviewed": "yes", "record": ["2", "3"], "state_3": "DEU"},
    )
    assert _lines(fixed.text)[3] == ("ready", True)
    assert '<option value="DEU" selected>' in fixed.text and "chosen" in fixed.text
    assert _receipts(web_demo, *refs) == before  # reviews write nothing

    chosen = {**_carried(fixed.text), "reviewed": "yes", "record": ["2", "3"], "state_3": "DEU"}
    tampered = {**chosen, "file_data": [chosen["file_data"][0][:-4] + "AAAA"]}
    refused = client.post(f"{BASE}/commit", data=tampered)
    assert refused.status_code == 422 and "upload the statement again" in refused.text
    bad_line = client.post(f"{BASE}/commit", data={**chosen, "record": ["2", "4"]})
    assert bad_line.status_code == 422 and "row 4" in bad_line.text  # all or nothing
    assert _receipts(web_demo, *refs) == before

    first = client.post(f"{BASE}/commit", data=chosen, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = client.post(f"{BASE}/commit", data=chosen, follow_redirects=False)  # resubmitted
    assert again.headers["location"] == first.headers["location"]
    after = _receipts(web_demo, *refs)
    assert after[refs[0]] == ["FRA"] and after[refs[1]] == ["DEU"] and after[refs[2]] == []
    assert int(after["*"][0]) == int(before["*"][0]) + 2
    result = client.get(first.headers["location"])
    assert result.status_code == 200 and "2 receipts recorded" in result.text
    ids = re.findall(r'href="/app/receipts/(\d+)"', result.text)
    assert len(ids) == 2 and f"US$ {format_minor(200000)} in all" in result.text
    assert refs[1] in client.get(f"/app/receipts/{ids[1]}").text


def test_bad_files_and_roles_are_refused(web_demo: WebDemo) -> None:
    client = web_demo.client("officer")
    csrf = form_csrf(client.get(BASE).text)
    before = _receipts(web_demo)

    def upload(name: str, content: bytes) -> Any:
        return client.post(
            f"{BASE}/mapping", data={"csrf_token": csrf}, files={"file": (name, content)}
        )

    pdf = upload("statement.pdf", b"%PDF-1.4")
    assert pdf.status_code == 422 and "give a .csv or .xlsx file" in pdf.text
    broken = upload("statement.xlsx", b"not a workbook")
    assert broken.status_code == 422 and "cannot read statement.xlsx" in broken.text
    large = upload("big.csv", HEADER.encode() + b"x" * MAX_BYTES)
    assert large.status_code == 422 and "larger than 5 MB" in large.text
    mapping = upload("ok.csv", (HEADER + "2026-09-15,10.00,USD,WEB-ST-X,FRA\n").encode())
    fields = {**_carried(mapping.text), **_selected(mapping.text), "map_payer": "ordering party"}
    missing = client.post(f"{BASE}/review", data=fields)
    assert missing.status_code == 422 and "missing from the file" in missing.text
    assert "ordering party: mapped to payer" in missing.text.replace("column ", "")
    assert _receipts(web_demo) == before

    member = web_demo.client("member")
    assert member.get(BASE).status_code == 403
    member_csrf = form_csrf(member.get("/app/password").text)
    posted = member.post(
        f"{BASE}/commit", data={**fields, "csrf_token": member_csrf, "record": "2"}
    )
    assert posted.status_code == 403
    assert web_demo.client("keeper").get(BASE).status_code == 403
    assert _receipts(web_demo) == before


#: The States of each width's journey (the journey runs twice on the same database).
JOURNEY_STATES = {1280: ("ESP", "NLD"), 390: ("SWE", "NOR")}


def test_import_a_statement_in_the_browser(web_demo: WebDemo, browser: Any, tmp_path: Path) -> None:
    """Upload a small CSV, keep the proposed mapping, review, choose the State of the
    unmatched line, record, and open a receipt; at 1280 and 390 px."""

    def journey(page: Any, width: int) -> None:
        matched, chosen = JOURNEY_STATES[width]
        refs = [f"WEB-ST-B{width}-{n}" for n in (1, 2, 3)]
        path = tmp_path / f"statement-{width}.csv"
        path.write_text(
            HEADER
            + f"2026-09-20,1500.00,USD,{refs[0]},{matched}\n"
            + f"2026-09-21,700.00,USD,{refs[1]},Treasury department\n"
            + f"2026-09-22,abc,USD,{refs[2]},ITA\n"
        )
        page.get_by_role("link", name="Import a bank statement").first.click()
        page.get_by_label("Statement file (CSV or XLSX)").set_input_files(str(path))
        shot(page, web_demo.dialect, "statement-upload", width)
        page.get_by_role("button", name="Upload and map the columns").click()
        page.wait_for_url("**/bank-statements/mapping")
        assert page.get_by_label("Value date").input_value() == "value date"
        assert page.get_by_label("Payer (ordering party)").input_value() == "payer"
        shot(page, web_demo.dialect, "statement-mapping", width)
        page.get_by_role("button", name="Review the lines").click()
        page.wait_for_url("**/bank-statements/review")
        box = page.locator(".statement-lines")
        assert box.evaluate("e => e.scrollWidth") >= box.evaluate("e => e.clientWidth")
        assert page.locator("tr.line-ready").count() == 1
        assert page.locator("tr.line-invalid").count() == 1
        page.get_by_label("State of row 3").select_option(chosen)
        page.get_by_label("Record row 3").check()
        page.get_by_role("button", name="Review again").click()
        page.wait_for_url("**/bank-statements/review")
        assert page.locator("tr.line-ready").count() == 2
        assert page.get_by_label("Record row 3").is_checked()
        shot(page, web_demo.dialect, "statement-review", width)
        page.get_by_role("button", name="Record the chosen lines").click()
        page.wait_for_url("**/bank-statements/recorded?*")
        assert "2 receipts recorded" in page.get_by_role("status").inner_text()
        shot(page, web_demo.dialect, "statement-recorded", width)
        found = _receipts(web_demo, *refs)
        assert found[refs[0]] == [matched] and found[refs[1]] == [chosen]
        assert found[refs[2]] == []
        page.get_by_role("link", name=re.compile(r"^Receipt \d+$")).last.click()
        assert refs[1] in page.get_by_role("status").inner_text()

    at_each_width(browser, web_demo.url(), "officer", journey)
