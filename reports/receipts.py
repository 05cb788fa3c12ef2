"""The receipt document a State (or an auditor) reads: the money received, where it went
and the rule that placed it; HTML or PDF."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from finance_core.payments.schemas import ReceiptOut
from reports.notices import html_to_pdf

RULES = {
    "oldest_first": "oldest amount due first",
    "earmark": "as earmarked by the State",
    "credit": "kept as the State's credit",
    "write_off": "bank charges written off",
}


class ReceiptFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


MEDIA_TYPES = {ReceiptFormat.HTML: "text/html; charset=utf-8", ReceiptFormat.PDF: "application/pdf"}


def render_html(doc: ReceiptOut, *, demo: bool = False) -> str:
    """The receipt as an HTML page."""
    rows = "".join(
        f"<tr><td>{escape(a.fund)}</td><td>{a.assessment_year or '-'}</td>"
        f"<td class='n'>{escape(a.amount)}</td><td>{escape(RULES.get(a.rule, a.rule))}</td></tr>"
        for a in doc.allocations
    )
    usd = f"{escape(doc.usd_amount)} USD" + (" (provisional rate)" if doc.usd_provisional else "")
    if doc.usd_confirmed:
        usd += f"; the bank credited {escape(doc.usd_confirmed)} USD"
    reversal = (
        f"<p class='warn'>Reversed on {doc.reversal.value_on}: {escape(doc.reversal.reason)}</p>"
        if doc.reversal
        else ""
    )
    demo_mark = "<p class='warn'>Illustrative data</p>" if demo else ""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Receipt {doc.id}</title><style>
@page {{ size: A4; margin: 20mm; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1d2630; }}
h1 {{ font-size: 16pt; color: #1d4e89; }} .warn {{ color: #b3261e; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; margin: 8pt 0 14pt; }}
th, td {{ text-align: left; padding: 4pt 6pt; border-bottom: 1px solid #dde3ea; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
</style></head><body>
<div>Arms Trade Treaty · ATT Secretariat, Geneva</div>
<h1>Receipt {doc.id}</h1>{demo_mark}{reversal}
<table>
<tr><th>State</th><td>{escape(doc.state_name)} ({doc.state_code})</td></tr>
<tr><th>Value date</th><td>{doc.value_on}</td></tr>
<tr><th>Amount received</th><td>{escape(doc.amount)} {doc.currency}</td></tr>
<tr><th>US dollars</th><td>{usd}</td></tr>
<tr><th>Bank reference</th><td>{escape(doc.bank_reference)}</td></tr>
<tr><th>Ledger entry</th><td>{doc.entry_seq}</td></tr>
</table>
<h2>Where the money went</h2>
<table><tr><th>Fund</th><th>Assessment year</th><th>US dollars</th><th>Rule</th></tr>{rows}</table>
</body></html>"""


def render(doc: ReceiptOut, fmt: ReceiptFormat, *, demo: bool = False) -> bytes:
    """The receipt in ``fmt``."""
    html = render_html(doc, demo=demo)
    return html_to_pdf(html) if fmt is ReceiptFormat.PDF else html.encode("utf-8")
