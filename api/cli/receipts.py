"""``attfin receipts`` and ``attfin rates``: payments from States, their reversal, and
exchange rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, load_models, parse_day, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction
from finance_core.money import format_minor

receipts_app = typer.Typer(no_args_is_help=True, help="Payments from States.")
rates_app = typer.Typer(no_args_is_help=True, help="Exchange rates (US dollars per unit).")


def _show(receipt_id: int) -> None:
    from finance_core.payments import service

    with reasons(), transaction(read_only=True) as session:
        doc = service.receipt_out(session, receipt_id)
    typer.echo(
        f"receipt {doc.id}: {doc.state_name} paid {doc.amount} {doc.currency} on {doc.value_on} "
        f"= {doc.usd_amount} USD{' (provisional)' if doc.usd_provisional else ''}, "
        f"entry {doc.entry_seq}{', REVERSED: ' + doc.reversal.reason if doc.reversal else ''}"
    )
    for a in doc.allocations:
        year = a.assessment_year if a.assessment_year is not None else "-"
        typer.echo(f"  {a.rule:<13} {a.fund:<4} {year!s:<5} {a.amount:>14} USD")


@receipts_app.command("record")
def receipts_record(
    state: Annotated[str, typer.Option("--state", help="State code.")],
    on: Annotated[str, typer.Option("--on", help="Value date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount received, e.g. 12500.00.")],
    reference: Annotated[str, typer.Option("--reference", help="Bank reference.")],
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    usd_amount: Annotated[
        str | None, typer.Option("--usd-amount", help="US dollars credited by the bank.")
    ] = None,
    earmark_fund: Annotated[str | None, typer.Option("--earmark-fund")] = None,
    earmark_year: Annotated[int | None, typer.Option("--earmark-year")] = None,
    confirm_duplicate_reference: Annotated[
        bool, typer.Option("--confirm-duplicate-reference")
    ] = False,
    write_off_shortfall: Annotated[bool, typer.Option("--write-off-shortfall")] = False,
) -> None:
    """Record a payment and allocate it; prints the receipt with its allocation."""
    from finance_core.payments import service
    from finance_core.payments.schemas import ReceiptIn

    load_models()
    with reasons(), transaction() as session:
        receipt = service.record_receipt(
            session,
            actor=cli_actor(),
            data=ReceiptIn(
                state_code=state,
                value_on=parse_day(on),
                amount=amount,
                currency=currency,
                usd_amount=usd_amount,
                bank_reference=reference,
                earmark_fund=earmark_fund,
                earmark_year=earmark_year,
                confirm_duplicate_reference=confirm_duplicate_reference,
                write_off_shortfall=write_off_shortfall,
            ),
        )
    _show(receipt.id or 0)


@receipts_app.command("reverse")
def receipts_reverse(
    receipt_id: Annotated[int, typer.Argument(help="Receipt id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the reversal.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. returned by the bank).")],
) -> None:
    """Reverse a bounced or mistaken receipt."""
    from finance_core.payments import service
    from finance_core.payments.schemas import ReversalIn

    load_models()
    with reasons(), transaction() as session:
        service.reverse_receipt(
            session,
            actor=cli_actor(),
            receipt_id=receipt_id,
            data=ReversalIn(value_on=parse_day(on), reason=reason),
        )
    _show(receipt_id)


@receipts_app.command("show")
def receipts_show(receipt_id: Annotated[int, typer.Argument(help="Receipt id.")]) -> None:
    """Show a receipt and where its money went."""
    load_models()
    _show(receipt_id)


@receipts_app.command("list")
def receipts_list(
    state: Annotated[str | None, typer.Option("--state")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
) -> None:
    """List receipts, newest first."""
    from finance_core.payments import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = service.list_receipts(session, state_code=state, limit=limit, offset=0)
        for doc in (service.receipt_out(session, i) for i in ids):
            flag = " reversed" if doc.reversal else ""
            typer.echo(
                f"{doc.id}\t{doc.value_on}\t{doc.state_code}\t{doc.amount} {doc.currency}"
                f"\t{doc.usd_amount} USD\t{doc.bank_reference}{flag}"
            )
    typer.echo(f"{len(ids)} of {total}")


@rates_app.command("add")
def rates_add(
    currency: Annotated[str, typer.Option("--currency")],
    valid_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    usd_per_unit: Annotated[str, typer.Option("--usd-per-unit")],
    source: Annotated[str, typer.Option("--source", help="Where the rate comes from.")],
) -> None:
    """Record the US dollar value of a currency from a date on."""
    from finance_core.payments import service
    from finance_core.payments.schemas import ExchangeRateIn

    load_models()
    with reasons(), transaction() as session:
        rate = service.add_rate(
            session,
            actor=cli_actor(),
            data=ExchangeRateIn(
                currency=currency,
                valid_on=parse_day(valid_from, "--from"),
                usd_per_unit=usd_per_unit,
                source=source,
            ),
        )
    typer.echo(f"{rate.currency} from {rate.valid_on}: {rate.usd_per_unit} USD")


@receipts_app.command("confirm-usd")
def receipts_confirm_usd(
    receipt_id: Annotated[int, typer.Argument(help="Receipt id.")],
    usd_amount: Annotated[str, typer.Option("--usd-amount", help="US dollars the bank credited.")],
    on: Annotated[str, typer.Option("--on", help="Date of the bank's advice.")],
) -> None:
    """Record the bank's US dollar figure for a receipt recorded at a provisional rate."""
    from finance_core.payments import credits

    load_models()
    with reasons(), transaction() as session:
        credits.confirm_usd(
            session,
            actor=cli_actor(),
            receipt_id=receipt_id,
            usd_amount=usd_amount,
            value_on=parse_day(on),
        )
    _show(receipt_id)


credit_app = typer.Typer(no_args_is_help=True, help="A State's credit.")


@credit_app.command("show")
def credit_show(state: Annotated[str, typer.Argument(help="State code.")]) -> None:
    """A State's credit and how earlier credit was used."""
    from finance_core.payments import credits

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = credits.credit_out(session, state)
    typer.echo(f"{out.state_code}: credit {out.credit} USD")
    for use in out.uses:
        typer.echo(f"  {use.value_on} {use.kind:<8} {use.amount:>14} USD  entry {use.entry_seq}")


@credit_app.command("apply")
def credit_apply(
    state: Annotated[str, typer.Argument(help="State code.")],
    on: Annotated[str, typer.Option("--on", help="Value date.")],
    amount: Annotated[
        str | None, typer.Option("--amount", help="US dollars (default: all).")
    ] = None,
) -> None:
    """Apply a State's credit to what it owes, oldest first."""
    from finance_core.payments import credits
    from finance_core.payments.amounts import parse_amount

    load_models()
    with reasons(), transaction() as session:
        cents = None if amount is None else parse_amount(amount, "USD")
        use = credits.apply_credit(
            session, actor=cli_actor(), state_code=state, value_on=parse_day(on), amount_minor=cents
        )
    if use is None:
        typer.echo("nothing to apply: no credit, or nothing owed")
    else:
        typer.echo(f"applied {format_minor(use.amount_minor)} USD of credit: entry {use.entry_seq}")


@credit_app.command("refund")
def credit_refund(
    state: Annotated[str, typer.Argument(help="State code.")],
    on: Annotated[str, typer.Option("--on")],
    amount: Annotated[str, typer.Option("--amount", help="US dollars.")],
    reference: Annotated[str, typer.Option("--reference", help="Bank reference.")],
    reason: Annotated[str, typer.Option("--reason")],
) -> None:
    """Send (part of) a State's credit back to it."""
    from finance_core.payments import credits

    load_models()
    with reasons(), transaction() as session:
        use = credits.refund_credit(
            session,
            actor=cli_actor(),
            state_code=state,
            value_on=parse_day(on),
            amount=amount,
            bank_reference=reference,
            reason=reason,
        )
    typer.echo(f"refunded: entry {use.entry_seq}")


@receipts_app.command("statement")
def receipts_statement(
    state: Annotated[str, typer.Option("--state", help="State code.")],
    as_at: Annotated[str, typer.Option("--as-at", help="Last value date.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    from_on: Annotated[str, typer.Option("--from", help="First value date.")] = "2015-01-01",
    output_format: Annotated[str, typer.Option("--format", help="json, csv, xlsx or pdf.")] = "pdf",
) -> None:
    """Write a State's statement of account."""
    from finance_core.payments.statement import statement
    from finance_core.system.service import is_demo
    from reports.statement import StatementFormat, render

    try:
        fmt = StatementFormat(output_format)
    except ValueError as exc:
        fail(str(exc))
    load_models()
    with reasons(), transaction(read_only=True) as session:
        data = statement(
            session,
            state_code=state,
            from_on=parse_day(from_on, "--from"),
            as_at=parse_day(as_at, "--as-at"),
        )
        out.write_bytes(render(data, fmt, demo=is_demo(session)))
    typer.echo(
        f"{data.state_name}: owes {format_minor(data.owed_minor)} USD, credit "
        f"{format_minor(data.credit_minor)} USD: {out}"
    )
