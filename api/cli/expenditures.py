"""``attfin expenditures`` and ``attfin commitments``: payments for budget lines,
obligations not yet paid, their import from a file, and budget vs commitments vs actual."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, load_models, parse_day, read_json, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction
from finance_core.db_types import utctoday

expenditures_app = typer.Typer(no_args_is_help=True, help="Payments for budget lines.")
commitments_app = typer.Typer(no_args_is_help=True, help="Obligations against budget lines.")

FundOption = Annotated[str, typer.Option("--fund", help="Fund of the budget, e.g. SEC.")]
YearOption = Annotated[int, typer.Option("--year", help="Year of the budget.")]
LineOption = Annotated[str, typer.Option("--line", help="Code of the budget line.")]


def _show(expenditure_id: int) -> None:
    from finance_core.expenditures import service

    with reasons(), transaction(read_only=True) as session:
        e = service.expenditure_out(session, expenditure_id)
    notes = [" (provisional)" if e.usd_provisional else ""]
    if e.usd_confirmed:
        notes.append(f", bank {e.usd_confirmed} USD")
    if e.commitment_id:
        notes.append(f", liquidates {e.liquidated} USD of commitment {e.commitment_id}")
    notes.append(f", entry {e.entry_seq}")
    if e.reversal:
        notes.append(f", REVERSED: {e.reversal.reason}")
    typer.echo(
        f"expenditure {e.id}: {e.fund} {e.year} {e.line_code} {e.category} {e.payee} "
        f"{e.amount} {e.currency} on {e.value_on} = {e.usd_amount} USD" + "".join(notes)
    )


@expenditures_app.command("record")
def record(
    fund: FundOption,
    year: YearOption,
    line: LineOption,
    on: Annotated[str, typer.Option("--on", help="Value date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount paid, e.g. 2500.00.")],
    category: Annotated[str, typer.Option("--category", help="staff, travel, … (see --help).")],
    payee: Annotated[str, typer.Option("--payee")],
    reference: Annotated[str, typer.Option("--reference", help="Invoice or bank reference.")],
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    usd_amount: Annotated[
        str | None, typer.Option("--usd-amount", help="US dollars debited by the bank.")
    ] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    commitment: Annotated[
        int | None, typer.Option("--commitment", help="Commitment it liquidates.")
    ] = None,
    confirm_duplicate_reference: Annotated[
        bool, typer.Option("--confirm-duplicate-reference")
    ] = False,
) -> None:
    """Record a payment for a budget line and post it; prints the expenditure.
    Categories: staff, travel, contractual_services, operating_expenses, equipment,
    grants, other."""
    from finance_core.expenditures import service
    from finance_core.expenditures.models import Category
    from finance_core.expenditures.schemas import ExpenditureIn

    try:
        kind = Category(category)
    except ValueError:
        fail(f"--category: one of {', '.join(c.value for c in Category)}")
    load_models()
    with reasons(), transaction() as session:
        expenditure = service.record_expenditure(
            session,
            actor=cli_actor(),
            data=ExpenditureIn(
                fund=fund,
                year=year,
                line_code=line,
                value_on=parse_day(on),
                amount=amount,
                currency=currency,
                usd_amount=usd_amount,
                category=kind,
                payee=payee,
                reference=reference,
                description=description,
                commitment_id=commitment,
                confirm_duplicate_reference=confirm_duplicate_reference,
            ),
        )
    _show(expenditure.id or 0)


@expenditures_app.command("reverse")
def reverse(
    expenditure_id: Annotated[int, typer.Argument(help="Expenditure id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the reversal.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. returned by the bank).")],
) -> None:
    """Reverse an expenditure: its entries are reversed; nothing is deleted."""
    from finance_core.expenditures import service
    from finance_core.payments.schemas import ReversalIn

    load_models()
    with reasons(), transaction() as session:
        service.reverse_expenditure(
            session,
            actor=cli_actor(),
            expenditure_id=expenditure_id,
            data=ReversalIn(value_on=parse_day(on), reason=reason),
        )
    _show(expenditure_id)


@expenditures_app.command("confirm-usd")
def confirm_usd(
    expenditure_id: Annotated[int, typer.Argument(help="Expenditure id.")],
    usd_amount: Annotated[str, typer.Option("--usd-amount", help="US dollars the bank debited.")],
    on: Annotated[str, typer.Option("--on", help="Date of the bank's advice.")],
) -> None:
    """Record the bank's US dollar figure for an expenditure at a provisional rate."""
    from finance_core.expenditures import service

    load_models()
    with reasons(), transaction() as session:
        service.confirm_usd(
            session,
            actor=cli_actor(),
            expenditure_id=expenditure_id,
            usd_amount=usd_amount,
            value_on=parse_day(on),
        )
    _show(expenditure_id)


@expenditures_app.command("show")
def show(expenditure_id: Annotated[int, typer.Argument(help="Expenditure id.")]) -> None:
    """Show one expenditure."""
    load_models()
    _show(expenditure_id)


@expenditures_app.command("list")
def list_(
    fund: Annotated[str | None, typer.Option("--fund")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
) -> None:
    """List expenditures, newest first."""
    from finance_core.expenditures import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = service.list_expenditures(session, fund=fund, year=year, limit=limit, offset=0)
        for e in (service.expenditure_out(session, i) for i in ids):
            flag = "\treversed" if e.reversal else ""
            typer.echo(
                f"{e.id}\t{e.value_on}\t{e.fund}\t{e.year}\t{e.line_code}\t{e.category}"
                f"\t{e.amount} {e.currency}\t{e.usd_amount} USD\t{e.payee}\t{e.reference}{flag}"
            )
    typer.echo(f"{len(ids)} of {total}")


@expenditures_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file, at most 5 MB.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="JSON column mapping (see the API).")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Record the rows (default: dry run only).")
    ] = False,
    rows: Annotated[
        str | None, typer.Option("--rows", help="Rows to record, e.g. 2,3,5 (default all).")
    ] = None,
) -> None:
    """Check an expenditure file row by row (dry run); with --commit record the rows
    chosen: all of them or none."""
    from finance_core.expenditures import importer

    columns = importer.ExpenditureMapping()
    if mapping is not None:
        columns = read_json(mapping, importer.ExpenditureMapping)
    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(str(exc))
    load_models()
    if not commit:
        with reasons(), transaction(read_only=True) as session:
            proposals = importer.dry_run(
                session, content=content, filename=file.name, mapping=columns
            )
        for p in proposals:
            typer.echo(f"row {p.row}\t{p.status}\t{p.message}")
        ready = sum(p.status == "ready" for p in proposals)
        typer.echo(f"{ready} of {len(proposals)} rows ready (dry run: nothing recorded)")
        return
    try:
        chosen = [int(r) for r in rows.split(",")] if rows else None
    except ValueError:
        fail(f"--rows: {rows!r} is not a list of row numbers")
    with reasons(), transaction() as session:
        if chosen is None:
            chosen = [
                p.row
                for p in importer.dry_run(
                    session, content=content, filename=file.name, mapping=columns
                )
            ]
        ids = importer.commit(
            session,
            actor=cli_actor(),
            content=content,
            filename=file.name,
            mapping=columns,
            rows=chosen,
        )
    typer.echo(f"recorded {len(ids)} expenditures: {', '.join(str(i) for i in ids)}")


@expenditures_app.command("execution")
def execution(
    fund: Annotated[str | None, typer.Option("--fund")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Value-date cutoff (default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Budget vs commitments vs actual per line, with totals per fund and year."""
    from finance_core.expenditures import service
    from finance_core.expenditures.schemas import ExecutionFigures
    from reports.budget_execution import execution_csv

    cutoff: datetime | None = None
    if known_at:
        try:
            cutoff = datetime.fromisoformat(known_at)
        except ValueError:
            fail(f"--known-at: {known_at!r} is not a timestamp (e.g. 2025-01-31T00:00:00Z)")
        cutoff = cutoff.replace(tzinfo=UTC) if cutoff.tzinfo is None else cutoff.astimezone(UTC)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        report = service.execution(
            session,
            as_at=parse_day(as_at, "--as-at") if as_at else utctoday(),
            known_at=cutoff,
            fund=fund,
            year=year,
        )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    if as_csv:
        typer.echo(execution_csv(report).decode("utf-8"), nl=False)
        return
    typer.echo(f"budget execution as at {report.as_at}; amounts in USD")
    heads = ("original", "revised", "commitments", "actual", "available", "rate %")
    typer.echo(f"{'fund':<5}{'year':<6}{'line':<10}" + "".join(f"{h:>15}" for h in heads))
    rows: list[tuple[str, int, str, ExecutionFigures]]
    rows = [(x.fund, x.year, x.line_code, x) for x in report.lines]
    rows += [(t.fund, t.year, "total", t) for t in report.totals]
    for fund_code, budget_year, code, x in rows:
        figures = (x.original, x.revised, x.commitments, x.actual, x.available)
        typer.echo(
            f"{fund_code:<5}{budget_year:<6}{code:<10}"
            + "".join(f"{v:>15}" for v in figures)
            + f"{x.execution_rate or '-':>15}"
        )


@commitments_app.command("add")
def commitment_add(
    fund: FundOption,
    year: YearOption,
    line: LineOption,
    on: Annotated[str, typer.Option("--on", help="Date of the obligation.")],
    amount: Annotated[str, typer.Option("--amount", help="Amount committed.")],
    payee: Annotated[str, typer.Option("--payee")],
    reference: Annotated[str, typer.Option("--reference", help="Contract or order number.")],
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    description: Annotated[str | None, typer.Option("--description")] = None,
) -> None:
    """Record an obligation against a budget line (nothing posts to the ledger)."""
    from finance_core.expenditures import service
    from finance_core.expenditures.schemas import CommitmentIn

    load_models()
    with reasons(), transaction() as session:
        c = service.record_commitment(
            session,
            actor=cli_actor(),
            data=CommitmentIn(
                fund=fund,
                year=year,
                line_code=line,
                committed_on=parse_day(on),
                amount=amount,
                currency=currency,
                payee=payee,
                reference=reference,
                description=description,
            ),
        )
        out = service.commitment_out(session, c.id or 0)
    typer.echo(
        f"commitment {out.id}: {out.fund} {out.year} {out.line_code} {out.payee} "
        f"{out.amount} {out.currency} = {out.usd_amount} USD on {out.committed_on}"
    )


@commitments_app.command("cancel")
def commitment_cancel(
    commitment_id: Annotated[int, typer.Argument(help="Commitment id.")],
    on: Annotated[str, typer.Option("--on", help="From this day.")],
    reason: Annotated[str, typer.Option("--reason")],
) -> None:
    """Cancel the open remainder of a commitment."""
    from finance_core.expenditures import service
    from finance_core.expenditures.schemas import CancellationIn

    load_models()
    with reasons(), transaction() as session:
        cancelled = service.cancel_commitment(
            session,
            actor=cli_actor(),
            commitment_id=commitment_id,
            data=CancellationIn(cancelled_on=parse_day(on), reason=reason),
        )
    from finance_core.money import format_minor

    typer.echo(
        f"commitment {commitment_id}: {format_minor(cancelled.amount_minor)} USD cancelled "
        f"from {cancelled.cancelled_on}"
    )


@commitments_app.command("list")
def commitment_list(
    fund: Annotated[str | None, typer.Option("--fund")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, liquidated or cancelled.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
) -> None:
    """List commitments, newest first, with what is open today."""
    from finance_core.expenditures import service

    if status not in (None, "open", "liquidated", "cancelled"):
        fail("--status: one of open, liquidated, cancelled")
    load_models()
    with reasons(), transaction(read_only=True) as session:
        items, total = service.list_commitments(
            session, fund=fund, year=year, status=status, limit=limit, offset=0
        )
    for c in items:
        typer.echo(
            f"{c.id}\t{c.committed_on}\t{c.fund}\t{c.year}\t{c.line_code}\t{c.payee}"
            f"\t{c.usd_amount} USD\topen {c.open} USD\t{c.status}"
        )
    typer.echo(f"{len(items)} of {total}")
