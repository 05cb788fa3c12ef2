"""The donor statement renders as JSON, CSV, xlsx and PDF, in English, French and Spanish."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from typing import Any

import openpyxl
import pytest

from finance_core.errors import ValidationFailed
from finance_core.voluntary.statement import (
    CurrencyTotal,
    DonorStatement,
    PledgeLine,
    ReceiptLine,
    SpendingLine,
)
from reports.donor_statement import (
    CSV_COLUMNS,
    MEDIA_TYPES,
    DonorStatementFormat,
    filename,
    render,
    render_html,
    to_model,
)
from reports.i18n import Language
from tests.conftest import needs_pango

INJECTED = '=HYPERLINK("http://x.test","x")'


def _statement(**changes: Any) -> DonorStatement:
    """Norway, 2024: EUR 100,000 pledged (60,000 received in two receipts), USD 50,000
    pledged and withdrawn, USD 15,000 given without a pledge to an earmark whose name
    begins with "="; USD 60,000 spent from the two earmarks."""
    s = DonorStatement(
        donor_id=7,
        donor_name="Norway",
        year=2024,
        as_at=date(2024, 12, 31),
        known_at=datetime(2025, 1, 15, 9, 30, tzinfo=UTC),
        pledges=(
            PledgeLine(
                pledge_id=11,
                pledged_on=date(2024, 2, 1),
                fund="VTF",
                earmark="Universalization",
                occasion="CSP10",
                currency="EUR",
                amount_minor=10_000_000,
                received_minor=6_000_000,
                withdrawn_minor=0,
                outstanding_minor=4_000_000,
                status="partly_received",
            ),
            PledgeLine(
                pledge_id=12,
                pledged_on=date(2024, 3, 5),
                fund="VTF",
                earmark=None,
                occasion=None,
                currency="USD",
                amount_minor=5_000_000,
                received_minor=0,
                withdrawn_minor=5_000_000,
                outstanding_minor=0,
                status="withdrawn",
            ),
        ),
        receipts=(
            ReceiptLine(
                receipt_id=101,
                value_on=date(2024, 3, 15),
                fund="VTF",
                earmark="Universalization",
                currency="EUR",
                amount_minor=4_000_000,
                usd_minor=4_352_000,
                pledge_ids=(11,),
            ),
            ReceiptLine(
                receipt_id=102,
                value_on=date(2024, 6, 20),
                fund="VTF",
                earmark="Universalization",
                currency="EUR",
                amount_minor=2_000_000,
                usd_minor=2_190_050,
                pledge_ids=(11,),
            ),
            ReceiptLine(
                receipt_id=103,
                value_on=date(2024, 9, 2),
                fund="SPP",
                earmark=INJECTED,
                currency="USD",
                amount_minor=1_500_000,
                usd_minor=1_500_000,
                pledge_ids=(),
            ),
        ),
        spending=(
            SpendingLine(
                fund="VTF",
                earmark="Universalization",
                spent_minor=5_000_000,
                unspent_minor=1_542_050,
            ),
            SpendingLine(
                fund="SPP", earmark=INJECTED, spent_minor=1_000_000, unspent_minor=500_000
            ),
        ),
        totals=(
            CurrencyTotal(
                currency="EUR",
                pledged_minor=10_000_000,
                received_minor=6_000_000,
                outstanding_minor=4_000_000,
            ),
            CurrencyTotal(
                currency="USD", pledged_minor=5_000_000, received_minor=0, outstanding_minor=0
            ),
        ),
    )
    return dataclasses.replace(s, **changes)


RECEIVED_USD = Decimal("80420.50")
SPENT_USD = Decimal("60000.00")


def _cells(sheet: Any) -> list[str]:
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def _book(data: bytes, *, values: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=values)


def test_json_amounts_are_decimal_strings_of_their_currency() -> None:
    s = _statement()
    model = to_model(s)
    assert (model.received_usd, model.spent_usd) == (str(RECEIVED_USD), str(SPENT_USD))
    data = json.loads(render(s, DonorStatementFormat.JSON))
    assert data["donor_name"] == "Norway" and data["year"] == 2024
    assert data["as_at"] == "2024-12-31" and data["known_at"].startswith("2025-01-15T09:30:00")
    eur, usd = data["pledges"]
    assert (eur["currency"], eur["amount"], eur["received"], eur["withdrawn"]) == (
        "EUR",
        "100000.00",
        "60000.00",
        "0.00",
    )
    assert (eur["outstanding"], eur["status"]) == ("40000.00", "partly_received")
    assert (usd["withdrawn"], usd["outstanding"], usd["status"]) == (
        "50000.00",
        "0.00",
        "withdrawn",
    )
    assert usd["earmark"] is None
    assert [(r["amount"], r["usd_amount"], r["pledge_ids"]) for r in data["receipts"]] == [
        ("40000.00", "43520.00", [11]),
        ("20000.00", "21900.50", [11]),
        ("15000.00", "15000.00", []),
    ]
    assert data["receipts"][2]["earmark"] == INJECTED  # JSON keeps the data as it is
    assert [(x["spent"], x["unspent"]) for x in data["spending"]] == [
        ("50000.00", "15420.50"),
        ("10000.00", "5000.00"),
    ]
    assert data["totals"][0] == {
        "currency": "EUR",
        "pledged": "100000.00",
        "received": "60000.00",
        "outstanding": "40000.00",
    }
    assert (data["received_usd"], data["spent_usd"]) == ("80420.50", "60000.00")


def test_amounts_use_the_decimals_of_their_currency() -> None:
    pledge = dataclasses.replace(
        _statement().pledges[0],
        currency="JPY",
        amount_minor=1_000_000,
        received_minor=0,
        outstanding_minor=1_000_000,
    )
    kwd = dataclasses.replace(
        _statement().receipts[0], currency="KWD", amount_minor=1_234_567, pledge_ids=()
    )
    s = _statement(pledges=(pledge,), receipts=(kwd,))
    model = to_model(s)
    assert (model.pledges[0].amount, model.receipts[0].amount) == ("1000000", "1234.567")
    book = _book(render(s, DonorStatementFormat.XLSX))
    assert book["Pledges"]["H5"].value == 1_000_000
    assert book["Pledges"]["H5"].number_format == "#,##0;-#,##0"
    assert book["Receipts"]["G5"].number_format == "#,##0.000;-#,##0.000"
    assert book["Receipts"]["H5"].number_format == "#,##0.00;-#,##0.00"
    html = render_html(s, Language.EN)
    assert "1,000,000<" in html and "1,234.567<" in html


def test_csv_is_one_rectangular_table_whose_sums_match() -> None:
    s = _statement()
    text = render(s, DonorStatementFormat.CSV).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {len(r) for r in rows} == {len(CSV_COLUMNS)}
    lines = list(csv.DictReader(io.StringIO(text)))
    by_section: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in lines:
        by_section[line["section"]].append(line)
    assert [len(by_section[k]) for k in ("pledge", "receipt", "spending", "total")] == [2, 3, 2, 3]
    pledge = by_section["pledge"][0]
    assert (pledge["id"], pledge["date"], pledge["amount"], pledge["currency"]) == (
        "11",
        "2024-02-01",
        "100000.00",
        "EUR",
    )
    assert by_section["receipt"][0]["pledge_ids"] == "11"
    *per_currency, usd = by_section["total"]
    assert usd["currency"] == "" and usd["pledged"] == ""
    receipts = by_section["receipt"]
    assert sum(Decimal(r["usd_amount"]) for r in receipts) == Decimal(usd["usd_amount"])
    assert Decimal(usd["usd_amount"]) == RECEIVED_USD
    spending = by_section["spending"]
    assert sum(Decimal(x["spent"]) for x in spending) == Decimal(usd["spent"]) == SPENT_USD
    assert sum(Decimal(x["unspent"]) for x in spending) == Decimal(usd["unspent"])
    for total in per_currency:
        mine = [p for p in by_section["pledge"] if p["currency"] == total["currency"]]
        assert sum(Decimal(p["received"]) for p in mine) == Decimal(total["received"])
        assert sum(Decimal(p["outstanding"]) for p in mine) == Decimal(total["outstanding"])
    # text is escaped, amounts are not (a negative amount keeps its sign)
    assert receipts[2]["earmark"] == "'" + INJECTED
    assert spending[1]["earmark"] == "'" + INJECTED
    refund = dataclasses.replace(s.spending[0], spent_minor=-125)
    again = render(_statement(spending=(refund,)), DonorStatementFormat.CSV).decode()
    assert ",-1.25," in again
    assert "\u202f" not in text and "\xa0" not in text


def test_xlsx_sheets_headings_and_formula_totals() -> None:
    s = _statement()
    data = render(s, DonorStatementFormat.XLSX)
    book, values = _book(data), _book(data, values=True)
    assert book.sheetnames == ["Pledges", "Receipts", "Spending", "Totals"]
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.freeze_panes == "A5"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A4:")
    pledges = book["Pledges"]
    assert [c.value for c in pledges[4]][:3] == ["Pledge no.", "Pledged on", "Fund"]
    assert pledges["A1"].value == "Statement of voluntary contributions — Norway — 2024"
    assert pledges["B5"].value == datetime(2024, 2, 1)
    assert (pledges["F5"].value, pledges["F6"].value) == ("Partly received", "Withdrawn")
    assert pledges["D6"].value == "Not earmarked"
    assert pledges["H5"].value == 100000 and pledges["H5"].number_format == "#,##0.00;-#,##0.00"
    assert pledges.auto_filter.ref == "A4:K6"
    # one total line per currency on the pledges (SUMIF), with the computed value
    assert (pledges["A7"].value, pledges["G7"].value, pledges["G8"].value) == (
        "Total",
        "EUR",
        "USD",
    )
    assert pledges["K7"].value == "=SUMIF($G$5:$G$6,G7,$K$5:$K$6)"
    assert values["Pledges"]["K7"].value == 40000
    assert values["Pledges"]["J8"].value == 50000

    receipts, receipt_values = book["Receipts"], values["Receipts"]
    assert [c.value for c in receipts[4]][-2:] == ["Amount", "US dollar value"]
    assert receipts["H10"].value == "=SUM($H$5:$H$7)"
    assert Decimal(str(receipt_values["H10"].value)) == RECEIVED_USD
    assert Decimal(str(receipt_values["H8"].value)) == Decimal("65420.50")  # EUR, in USD
    assert receipt_values["G8"].value == 60000
    # a text beginning with "=" is written as text, escaped
    assert receipts["D7"].data_type == "s" and receipts["D7"].value == "'" + INJECTED

    spending, spending_values = book["Spending"], values["Spending"]
    assert spending["B6"].value == "'" + INJECTED
    assert (spending["C7"].value, spending["D7"].value) == ("=SUM($C$5:$C$6)", "=SUM($D$5:$D$6)")
    assert Decimal(str(spending_values["C7"].value)) == SPENT_USD
    assert Decimal(str(spending_values["D7"].value)) == Decimal("20420.50")

    totals = values["Totals"]
    assert [c.value for c in totals[5]][:4] == ["EUR", 100000, 60000, 40000]
    assert totals["A7"].value == "All currencies (USD value)"
    assert Decimal(str(totals["E7"].value)) == RECEIVED_USD
    assert Decimal(str(totals["F7"].value)) == SPENT_USD


def test_xlsx_document_properties() -> None:
    data = render(_statement(), DonorStatementFormat.XLSX)
    book = _book(data)
    assert book.properties.title == "Statement of voluntary contributions — Norway — 2024"
    assert book.properties.subject.startswith("Position as at December 31, 2024")
    assert book.properties.created == datetime(2025, 1, 15, 9, 30)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<Company>ATT Secretariat, Geneva</Company>" in z.read("docProps/app.xml").decode()
    assert render(_statement(), DonorStatementFormat.XLSX) == data  # same statement, same bytes


def test_french_labels_in_xlsx_and_html() -> None:
    s = _statement()
    book = _book(render(s, DonorStatementFormat.XLSX, language="fr"))
    assert book.sheetnames == ["Annonces", "Versements", "Dépenses", "Totaux"]
    pledges = book["Annonces"]
    assert pledges["A1"].value == "État des contributions volontaires — Norway — 2024"
    assert [c.value for c in pledges[4]][:3] == ["Annonce n°", "Date de l'annonce", "Fonds"]
    assert pledges["F5"].value == "Partiellement reçue"
    assert pledges["D6"].value == "Non affecté"
    html = render_html(s, Language.FR)
    assert '<html lang="fr">' in html
    for text in (
        "État des contributions volontaires",
        "Annonces de contributions",
        "Contributions reçues",
        "Utilisation des contributions",
        "Totaux par monnaie",
        "Situation au 31 décembre 2024",
        "1 février 2024",
        "Partiellement reçue",
        "100\u202f000,00",
        "80\u202f420,50\xa0$US",
    ):
        assert text in html, text
    assert "Pledges" not in html


@pytest.mark.parametrize("language", list(Language))
def test_html_is_accessible_in_each_language(language: Language) -> None:
    html = render_html(_statement(), language)
    assert f'<html lang="{language.value}">' in html
    assert html.count("<caption>") == 4
    assert '<th scope="col"' in html and '<th scope="row">' in html
    assert html.count("<tfoot>") == 3  # pledges, receipts, spending; the totals are totals
    book = _book(render(_statement(), DonorStatementFormat.XLSX, language=language.value))
    assert len(book.sheetnames) == 4


def test_html_escapes_the_data() -> None:
    html = render_html(_statement(donor_name="<script>alert(1)</script>"), Language.EN)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_demo_mark_only_when_asked() -> None:
    s = _statement()
    assert "Illustrative data" in render_html(s, Language.EN, demo=True)
    assert "Illustrative data" not in render_html(s, Language.EN)
    assert "Données d'illustration" in unescape(render_html(s, Language.FR, demo=True))
    marked = _book(render(s, DonorStatementFormat.XLSX, demo=True))
    plain = _book(render(s, DonorStatementFormat.XLSX))
    for name in marked.sheetnames:
        assert "Illustrative data" in _cells(marked[name])
        assert "Illustrative data" not in _cells(plain[name])
    assert marked.properties.description == "Illustrative data"
    assert not plain.properties.description


def test_pdf() -> None:
    needs_pango()
    pdf = render(_statement(), DonorStatementFormat.PDF, language="es", demo=True)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000


def test_an_empty_statement_renders_in_every_format() -> None:
    s = _statement(pledges=(), receipts=(), spending=(), totals=(), known_at=None)
    data = json.loads(render(s, DonorStatementFormat.JSON))
    assert (data["received_usd"], data["spent_usd"], data["known_at"]) == ("0.00", "0.00", None)
    rows = list(csv.DictReader(io.StringIO(render(s, DonorStatementFormat.CSV).decode())))
    assert [(r["section"], r["usd_amount"], r["spent"]) for r in rows] == [
        ("total", "0.00", "0.00")
    ]
    book = _book(render(s, DonorStatementFormat.XLSX))
    assert book["Receipts"]["A5"].value == "None"
    assert book.properties.created == datetime(2024, 12, 31)
    html = render_html(s, Language.ES)
    assert "Ninguno" in html and "<tfoot>" not in html


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        render(_statement(), DonorStatementFormat.XLSX, language="de")
    assert err.value.fields == {"language": "one of en, fr, es"}


def test_filename_and_media_types() -> None:
    s = _statement(donor_name="Côte d'Ivoire")
    assert filename(s, DonorStatementFormat.XLSX) == "donor-statement-cote-d-ivoire-2024.xlsx"
    assert filename(_statement(donor_name="日本"), DonorStatementFormat.PDF) == (
        "donor-statement-7-2024.pdf"
    )
    assert set(MEDIA_TYPES) == set(DonorStatementFormat)
    assert MEDIA_TYPES[DonorStatementFormat.CSV] == "text/csv; charset=utf-8"
