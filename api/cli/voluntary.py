"""``attfin donors``, ``attfin pledges``, ``attfin voluntary``, ``attfin projects`` and
``attfin sponsorships``: the voluntary funds' donors and their statements, pledges,
receipts, projects, sponsored delegates, disbursements, balances and reconciliation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from api.cli.common import as_at_of, fail, known_at_of, load_models, parse_day, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

if TYPE_CHECKING:
    from finance_core.voluntary.schemas import MatchIn

donors_app = typer.Typer(no_args_is_help=True, help="Donors to the voluntary funds.")
pledges_app = typer.Typer(no_args_is_help=True, help="Donors' pledges to the voluntary funds.")
voluntary_app = typer.Typer(
    no_args_is_help=True,
    help="Money into and out of the voluntary funds, their balances and reconciliation.",
)
projects_app = typer.Typer(no_args_is_help=True, help="Projects paid from the voluntary funds.")
sponsorships_app = typer.Typer(no_args_is_help=True, help="Delegates sponsored to meetings.")

FundOption = Annotated[
    str | None, typer.Option("--fund", help="A voluntary fund, e.g. VTF or SPP.")
]
EarmarkOption = Annotated[
    str | None, typer.Option("--earmark", help='What the money is for, e.g. "gender".')
]
LimitOption = Annotated[int, typer.Option("--limit")]
AsAtOption = Annotated[str | None, typer.Option("--as-at", help="Value date (default today).")]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(f"{option}: one of {', '.join(choices)}")
    return value


def _pool(fund: str, earmark: str | None) -> str:
    return f"{fund}/{earmark}" if earmark else fund


# --- donors -----------------------------------------------------------------------------


def _show_donor(donor_id: int) -> None:
    from finance_core.voluntary import service

    with reasons(), transaction(read_only=True) as session:
        d = service.donor_out(service.get_donor(session, donor_id=donor_id))
    state = f" ({d.state_code})" if d.state_code else ""
    contact = ", ".join(x for x in (d.contact_name, d.contact_email) if x) or "no contact"
    typer.echo(
        f"donor {d.id}: {d.name}{state}, {d.kind}, reports in {d.language}, {contact}"
        + (f"; {d.reporting_note}" if d.reporting_note else "")
    )


@donors_app.command("list")
def donors_list(
    kind: Annotated[str | None, typer.Option("--kind", help="state or organisation.")] = None,
    limit: LimitOption = 50,
) -> None:
    """List donors by name."""
    from finance_core.voluntary import service
    from finance_core.voluntary.models import DonorKind

    wanted = DonorKind(_choice(kind, "--kind", tuple(DonorKind))) if kind else None
    load_models()
    with reasons(), transaction(read_only=True) as session:
        rows, total = service.list_donors(session, kind=wanted, limit=limit, offset=0)
        for d in (service.donor_out(x) for x in rows):
            typer.echo(f"{d.id}\t{d.name}\t{d.kind}\t{d.state_code or '-'}\t{d.language}")
    typer.echo(f"{len(rows)} of {total}")


@donors_app.command("add")
def donors_add(
    name: Annotated[str, typer.Option("--name")],
    kind: Annotated[str, typer.Option("--kind", help="state or organisation.")],
    state: Annotated[
        str | None, typer.Option("--state", help="State code (required for a State).")
    ] = None,
    contact_name: Annotated[str | None, typer.Option("--contact-name")] = None,
    contact_email: Annotated[str | None, typer.Option("--contact-email")] = None,
    language: Annotated[str, typer.Option("--language", help="en, fr or es.")] = "en",
    reporting_note: Annotated[
        str | None, typer.Option("--reporting-note", help="How the donor wants reports.")
    ] = None,
) -> None:
    """Record a donor; prints it."""
    from finance_core.voluntary import service
    from finance_core.voluntary.models import DonorKind, ReportLanguage
    from finance_core.voluntary.schemas import DonorIn

    donor_kind = DonorKind(_choice(kind, "--kind", tuple(DonorKind)))
    words = ReportLanguage(_choice(language, "--language", tuple(ReportLanguage)))
    load_models()
    with reasons(), transaction() as session:
        donor = service.create_donor(
            session,
            actor=cli_actor(),
            data=DonorIn(
                name=name,
                kind=donor_kind,
                state_code=state,
                contact_name=contact_name,
                contact_email=contact_email,
                language=words,
                reporting_note=reporting_note,
            ),
        )
    _show_donor(donor.id or 0)


@donors_app.command("update")
def donors_update(
    donor_id: Annotated[int, typer.Argument(help="Donor id.")],
    contact_name: Annotated[str | None, typer.Option("--contact-name")] = None,
    contact_email: Annotated[str | None, typer.Option("--contact-email")] = None,
    language: Annotated[str | None, typer.Option("--language", help="en, fr or es.")] = None,
    reporting_note: Annotated[str | None, typer.Option("--reporting-note")] = None,
) -> None:
    """Change a donor's contact details or reporting preferences (the options given)."""
    from finance_core.voluntary import service
    from finance_core.voluntary.models import ReportLanguage
    from finance_core.voluntary.schemas import DonorUpdate

    given: dict[str, object] = {
        k: v
        for k, v in (
            ("contact_name", contact_name),
            ("contact_email", contact_email),
            ("reporting_note", reporting_note),
        )
        if v is not None
    }
    if language is not None:
        given["language"] = ReportLanguage(_choice(language, "--language", tuple(ReportLanguage)))
    if not given:
        fail(
            "nothing to change: give --contact-name, --contact-email, --language or "
            "--reporting-note"
        )
    load_models()
    with reasons(), transaction() as session:
        service.update_donor(
            session, actor=cli_actor(), donor_id=donor_id, data=DonorUpdate.model_validate(given)
        )
    _show_donor(donor_id)


@donors_app.command("show")
def donors_show(donor_id: Annotated[int, typer.Argument(help="Donor id.")]) -> None:
    """Show one donor."""
    load_models()
    _show_donor(donor_id)


@donors_app.command("statement")
def donors_statement(
    donor_id: Annotated[int, typer.Argument(help="Donor id.")],
    output: Annotated[Path, typer.Option("--output", "--out", help="File to write.")],
    year: Annotated[
        int | None, typer.Option("--year", help="Calendar year (default the --as-at year).")
    ] = None,
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    output_format: Annotated[str, typer.Option("--format", help="json, csv, xlsx or pdf.")] = "pdf",
    language: Annotated[
        str | None, typer.Option("--language", help="en, fr or es (default the donor's).")
    ] = None,
) -> None:
    """Write a donor's statement of its voluntary contributions for a year."""
    from finance_core.system.service import is_demo
    from finance_core.voluntary import service
    from reports import donor_statement as statements

    fmt = statements.DonorStatementFormat(
        _choice(output_format, "--format", tuple(statements.DonorStatementFormat))
    )
    if language is not None:
        _choice(language, "--language", ("en", "fr", "es"))
    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        donor = service.get_donor(session, donor_id=donor_id)
        data = service.donor_statement(
            session,
            donor_id=donor_id,
            year=year if year is not None else day.year,
            as_at=day,
            known_at=cutoff,
        )
        body = statements.render(
            data, fmt, language=language or str(donor.language), demo=is_demo(session)
        )
        output.write_bytes(body)
    from finance_core.money import format_minor

    typer.echo(
        f"{data.donor_name} {data.year}: received {format_minor(data.received_usd_minor)} USD, "
        f"spent {format_minor(data.spent_usd_minor)} USD: {output}"
    )


# --- pledges ----------------------------------------------------------------------------


def _show_pledge(pledge_id: int) -> None:
    from finance_core.voluntary import service

    with reasons(), transaction(read_only=True) as session:
        p = service.pledge_out(session, pledge_id)
    typer.echo(
        f"pledge {p.id}: donor {p.donor_id} to {_pool(p.fund, p.earmark)} {p.amount} "
        f"{p.currency} on {p.pledged_on}, received {p.received}, withdrawn {p.withdrawn}, "
        f"outstanding {p.outstanding} ({p.status})"
    )


@pledges_app.command("list")
def pledges_list(
    donor: Annotated[int | None, typer.Option("--donor", help="Donor id.")] = None,
    fund: FundOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="open, partly_received, fulfilled or withdrawn."),
    ] = None,
    limit: LimitOption = 50,
) -> None:
    """List pledges, newest first."""
    from finance_core.voluntary import queries, service

    if status is not None:
        _choice(status, "--status", queries.PLEDGE_STATUSES)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = queries.list_pledges(
            session, donor_id=donor, fund=fund, status=status, limit=limit, offset=0
        )
        for p in (service.pledge_out(session, i) for i in ids):
            typer.echo(
                f"{p.id}\t{p.pledged_on}\tdonor {p.donor_id}\t{_pool(p.fund, p.earmark)}"
                f"\t{p.amount} {p.currency}\toutstanding {p.outstanding}\t{p.status}"
            )
    typer.echo(f"{len(ids)} of {total}")


@pledges_app.command("add")
def pledges_add(
    donor: Annotated[int, typer.Option("--donor", help="Donor id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the announcement (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount pledged, e.g. 100000.00.")],
    reference: Annotated[str, typer.Option("--reference", help="Letter or statement.")],
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    fund: Annotated[str, typer.Option("--fund", help="A voluntary fund.")] = "VTF",
    earmark: EarmarkOption = None,
    occasion: Annotated[str | None, typer.Option("--occasion", help='e.g. "CSP10".')] = None,
    conditions: Annotated[str | None, typer.Option("--conditions")] = None,
) -> None:
    """Record a donor's pledge to a voluntary fund (nothing posts); prints it."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import PledgeIn

    load_models()
    with reasons(), transaction() as session:
        pledge = service.record_pledge(
            session,
            actor=cli_actor(),
            data=PledgeIn(
                donor_id=donor,
                pledged_on=parse_day(on),
                fund=fund,
                earmark=earmark,
                currency=currency,
                amount=amount,
                conditions=conditions,
                occasion=occasion,
                reference=reference,
            ),
        )
    _show_pledge(pledge.id or 0)


@pledges_app.command("show")
def pledges_show(pledge_id: Annotated[int, typer.Argument(help="Pledge id.")]) -> None:
    """Show one pledge."""
    load_models()
    _show_pledge(pledge_id)


@pledges_app.command("withdraw")
def pledges_withdraw(
    pledge_id: Annotated[int, typer.Argument(help="Pledge id.")],
    on: Annotated[str, typer.Option("--on", help="From this day.")],
    reason: Annotated[str, typer.Option("--reason")],
) -> None:
    """Withdraw what is still outstanding of a pledge."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import WithdrawalIn

    load_models()
    with reasons(), transaction() as session:
        service.withdraw_pledge(
            session,
            actor=cli_actor(),
            pledge_id=pledge_id,
            data=WithdrawalIn(withdrawn_on=parse_day(on), reason=reason),
        )
    _show_pledge(pledge_id)


# --- receipts and disbursements ---------------------------------------------------------


def _show_receipt(receipt_id: int) -> None:
    from finance_core.voluntary import service

    with reasons(), transaction(read_only=True) as session:
        r = service.receipt_out(session, receipt_id)
    notes = [" (provisional)" if r.usd_provisional else ""]
    if r.usd_confirmed:
        notes.append(f", bank {r.usd_confirmed} USD")
    notes.append(f", entry {r.entry_seq}")
    if r.reversal:
        notes.append(f", REVERSED: {r.reversal.reason}")
    typer.echo(
        f"voluntary receipt {r.id}: {r.donor_name} to {_pool(r.fund, r.earmark)} {r.amount} "
        f"{r.currency} on {r.value_on} = {r.usd_amount} USD" + "".join(notes)
    )
    for m in r.matches:
        typer.echo(f"  settles pledge {m.pledge_id}: {m.amount} {m.currency}")


def _show_disbursement(disbursement_id: int) -> None:
    from finance_core.voluntary import service

    with reasons(), transaction(read_only=True) as session:
        d = service.disbursement_out(session, disbursement_id)
    what = {
        "project_tranche": f"project {d.project_id} tranche {d.tranche}",
        "sponsorship": f"sponsorship {d.sponsorship_id}",
    }.get(str(d.kind), "other")
    notes = [" (provisional)" if d.usd_provisional else ""]
    if d.usd_confirmed:
        notes.append(f", bank {d.usd_confirmed} USD")
    notes.append(f", entry {d.entry_seq}")
    if d.reversal:
        notes.append(f", REVERSED: {d.reversal.reason}")
    typer.echo(
        f"disbursement {d.id}: {_pool(d.fund, d.earmark)} {what} to {d.payee} {d.amount} "
        f"{d.currency} on {d.value_on} = {d.usd_amount} USD" + "".join(notes)
    )


def _matches(text: str) -> Literal["auto", "none"] | list[MatchIn]:
    """``--match``: auto, none, or PLEDGE:AMOUNT pairs separated by commas."""
    from finance_core.voluntary.schemas import MatchIn

    if text in ("auto", "none"):
        return "auto" if text == "auto" else "none"
    found = []
    for part in text.split(","):
        pledge, _, amount = part.strip().partition(":")
        if not pledge.strip().isdigit() or not amount.strip():
            fail(f"--match: {text!r} is not auto, none or PLEDGE:AMOUNT[,PLEDGE:AMOUNT…]")
        found.append(MatchIn(pledge_id=int(pledge), amount=amount.strip()))
    return found


@voluntary_app.command("receipt")
def receipt(
    donor: Annotated[int, typer.Option("--donor", help="Donor id.")],
    on: Annotated[str, typer.Option("--on", help="Value date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount received, e.g. 50000.00.")],
    reference: Annotated[str, typer.Option("--reference", help="Bank reference.")],
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    usd_amount: Annotated[
        str | None, typer.Option("--usd-amount", help="US dollars credited by the bank.")
    ] = None,
    fund: Annotated[str, typer.Option("--fund", help="A voluntary fund.")] = "VTF",
    earmark: EarmarkOption = None,
    match: Annotated[
        str,
        typer.Option("--match", help="auto (open pledges, oldest first), none, or PLEDGE:AMOUNT,…"),
    ] = "auto",
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record money from a donor into a voluntary fund, post it and settle its pledges;
    prints the receipt."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import VoluntaryReceiptIn

    matches = _matches(match)
    load_models()
    with reasons(), transaction() as session:
        r = service.record_receipt(
            session,
            actor=cli_actor(),
            data=VoluntaryReceiptIn(
                donor_id=donor,
                value_on=parse_day(on),
                fund=fund,
                earmark=earmark,
                amount=amount,
                currency=currency,
                usd_amount=usd_amount,
                bank_reference=reference,
                note=note,
                match=matches,
            ),
        )
    _show_receipt(r.id or 0)


@voluntary_app.command("reverse-receipt")
def reverse_receipt(
    receipt_id: Annotated[int, typer.Argument(help="Voluntary receipt id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the reversal.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. returned by the bank).")],
) -> None:
    """Reverse a voluntary receipt: its entries are reversed; nothing is deleted."""
    from finance_core.payments.schemas import ReversalIn
    from finance_core.voluntary import service

    load_models()
    with reasons(), transaction() as session:
        service.reverse_receipt(
            session,
            actor=cli_actor(),
            receipt_id=receipt_id,
            data=ReversalIn(value_on=parse_day(on), reason=reason),
        )
    _show_receipt(receipt_id)


@voluntary_app.command("confirm-usd")
def confirm_usd(
    usd_amount: Annotated[
        str, typer.Option("--usd-amount", help="US dollars the bank credited or debited.")
    ],
    on: Annotated[str, typer.Option("--on", help="Date of the bank's advice.")],
    receipt_id: Annotated[int | None, typer.Option("--receipt", help="Receipt id.")] = None,
    disbursement_id: Annotated[
        int | None, typer.Option("--disbursement", help="Disbursement id.")
    ] = None,
) -> None:
    """Record the bank's US dollar figure for a receipt or a disbursement recorded at a
    provisional rate (name one of them)."""
    from finance_core.voluntary import service

    if (receipt_id is None) == (disbursement_id is None):
        fail("name one of --receipt or --disbursement")
    load_models()
    with reasons(), transaction() as session:
        if receipt_id is not None:
            service.confirm_receipt_usd(
                session,
                actor=cli_actor(),
                receipt_id=receipt_id,
                usd_amount=usd_amount,
                value_on=parse_day(on),
            )
        else:
            service.confirm_disbursement_usd(
                session,
                actor=cli_actor(),
                disbursement_id=disbursement_id or 0,
                usd_amount=usd_amount,
                value_on=parse_day(on),
            )
    if receipt_id is not None:
        _show_receipt(receipt_id)
    else:
        _show_disbursement(disbursement_id or 0)


@voluntary_app.command("receipts")
def receipts_list(
    donor: Annotated[int | None, typer.Option("--donor", help="Donor id.")] = None,
    fund: FundOption = None,
    limit: LimitOption = 50,
) -> None:
    """List voluntary receipts, newest first."""
    from finance_core.voluntary import queries, service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = queries.list_receipts(
            session, donor_id=donor, fund=fund, limit=limit, offset=0
        )
        for r in (service.receipt_out(session, i) for i in ids):
            flag = "\treversed" if r.reversal else ""
            typer.echo(
                f"{r.id}\t{r.value_on}\t{r.donor_name}\t{_pool(r.fund, r.earmark)}"
                f"\t{r.amount} {r.currency}\t{r.usd_amount} USD\t{r.bank_reference}{flag}"
            )
    typer.echo(f"{len(ids)} of {total}")


@voluntary_app.command("disburse")
def disburse(
    on: Annotated[str, typer.Option("--on", help="Value date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount paid, e.g. 25000.00.")],
    payee: Annotated[str, typer.Option("--payee")],
    reference: Annotated[str, typer.Option("--reference", help="Bank or invoice reference.")],
    project: Annotated[
        int | None, typer.Option("--project", help="Project id (a tranche).")
    ] = None,
    sponsorship: Annotated[
        int | None, typer.Option("--sponsorship", help="Sponsorship id.")
    ] = None,
    tranche: Annotated[
        int | None, typer.Option("--tranche", help="Tranche number (default the next).")
    ] = None,
    fund: FundOption = None,
    earmark: EarmarkOption = None,
    currency: Annotated[str, typer.Option("--currency")] = "USD",
    usd_amount: Annotated[
        str | None, typer.Option("--usd-amount", help="US dollars debited by the bank.")
    ] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
) -> None:
    """Pay money out of a voluntary fund: a project's tranche (--project), a sponsored
    delegate's costs (--sponsorship), or other (--fund); prints the disbursement."""
    from finance_core.voluntary import service
    from finance_core.voluntary.models import DisbursementKind
    from finance_core.voluntary.schemas import DisbursementIn

    if project is not None and sponsorship is not None:
        fail("name --project or --sponsorship, not both")
    kind = (
        DisbursementKind.PROJECT_TRANCHE
        if project is not None
        else DisbursementKind.SPONSORSHIP
        if sponsorship is not None
        else DisbursementKind.OTHER
    )
    load_models()
    with reasons(), transaction() as session:
        d = service.record_disbursement(
            session,
            actor=cli_actor(),
            data=DisbursementIn(
                kind=kind,
                fund=fund,
                earmark=earmark,
                value_on=parse_day(on),
                project_id=project,
                sponsorship_id=sponsorship,
                tranche=tranche,
                amount=amount,
                currency=currency,
                usd_amount=usd_amount,
                payee=payee,
                reference=reference,
                description=description,
            ),
        )
    _show_disbursement(d.id or 0)


@voluntary_app.command("reverse-disbursement")
def reverse_disbursement(
    disbursement_id: Annotated[int, typer.Argument(help="Disbursement id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the reversal.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. returned by the bank).")],
) -> None:
    """Reverse a disbursement: its entries are reversed; nothing is deleted."""
    from finance_core.payments.schemas import ReversalIn
    from finance_core.voluntary import service

    load_models()
    with reasons(), transaction() as session:
        service.reverse_disbursement(
            session,
            actor=cli_actor(),
            disbursement_id=disbursement_id,
            data=ReversalIn(value_on=parse_day(on), reason=reason),
        )
    _show_disbursement(disbursement_id)


@voluntary_app.command("disbursements")
def disbursements_list(
    fund: FundOption = None,
    project: Annotated[int | None, typer.Option("--project", help="Project id.")] = None,
    limit: LimitOption = 50,
) -> None:
    """List disbursements, newest first."""
    from finance_core.voluntary import queries, service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = queries.list_disbursements(
            session, fund=fund, project_id=project, limit=limit, offset=0
        )
        for d in (service.disbursement_out(session, i) for i in ids):
            flag = "\treversed" if d.reversal else ""
            typer.echo(
                f"{d.id}\t{d.value_on}\t{_pool(d.fund, d.earmark)}\t{d.kind}\t{d.payee}"
                f"\t{d.amount} {d.currency}\t{d.usd_amount} USD\t{d.reference}{flag}"
            )
    typer.echo(f"{len(ids)} of {total}")


@voluntary_app.command("balances")
def balances(
    as_at: AsAtOption = None, known_at: KnownAtOption = None, as_json: JsonOption = False
) -> None:
    """Per voluntary fund and earmark: received, disbursed and available (US dollars)."""
    from finance_core.voluntary import service

    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = service.balances_out(session, as_at=day, known_at=cutoff)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(f"voluntary funds as at {out.as_at}; amounts in USD")
    heads = ("received", "disbursed", "available")
    typer.echo(f"{'fund':<6}{'earmark':<24}" + "".join(f"{h:>16}" for h in heads))
    for p in out.pools:
        typer.echo(
            f"{p.fund:<6}{p.earmark or '-':<24}{p.received:>16}{p.disbursed:>16}{p.available:>16}"
        )


@voluntary_app.command("reconcile")
def reconcile(
    as_at: AsAtOption = None, known_at: KnownAtOption = None, as_json: JsonOption = False
) -> None:
    """Each voluntary fund's ledger against its receipts and disbursements; exit 1 when a
    fund disagrees."""
    from finance_core.voluntary import queries

    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = queries.reconciliation_out(session, as_at=day, known_at=cutoff)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
    else:
        typer.echo(f"voluntary funds against the ledger as at {out.as_at}; amounts in USD")
        for f in out.funds:
            typer.echo(
                f"  {f.fund:<6}{'agrees' if f.agrees else 'DISAGREES':<10} bank "
                f"{f.ledger_bank} (records {f.expected_bank}), revenue {f.ledger_revenue}, "
                f"expenditure {f.ledger_expenditure}, exchange {f.ledger_exchange_gain_loss}, "
                f"other {f.ledger_other}"
            )
    if not out.agrees:
        wrong = ", ".join(f.fund for f in out.funds if not f.agrees)
        fail(f"the ledger disagrees with the records of {wrong}")


# --- projects ---------------------------------------------------------------------------


def _show_project(project_id: int) -> None:
    from finance_core.voluntary import service

    with reasons(), transaction(read_only=True) as session:
        p = service.project_out(session, project_id)
    typer.echo(
        f"project {p.id}: {p.code} {p.title} ({p.grantee}{', ' + p.country if p.country else ''})"
        f" from {_pool(p.fund, p.earmark)}, approved {p.approved_amount} USD on "
        f"{p.approved_on}, disbursed {p.disbursed}, remaining {p.remaining}, {p.status}"
    )
    for r in p.reports:
        state = f"received {r.received_on}" if r.received_on else "not received"
        typer.echo(f"  report {r.id}: {r.title}, due {r.due_on}, {state}")


@projects_app.command("list")
def projects_list(
    fund: FundOption = None,
    status: Annotated[
        str | None, typer.Option("--status", help="approved, completed or cancelled.")
    ] = None,
    limit: LimitOption = 50,
) -> None:
    """List projects, newest approval first."""
    from finance_core.voluntary import queries, service
    from finance_core.voluntary.models import ProjectStatus

    wanted = ProjectStatus(_choice(status, "--status", tuple(ProjectStatus))) if status else None
    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = queries.list_projects(session, fund=fund, status=wanted, limit=limit, offset=0)
        for p in (service.project_out(session, i) for i in ids):
            typer.echo(
                f"{p.id}\t{p.code}\t{p.approved_on}\t{_pool(p.fund, p.earmark)}\t{p.grantee}"
                f"\tapproved {p.approved_amount}\tdisbursed {p.disbursed}\t{p.status}"
            )
    typer.echo(f"{len(ids)} of {total}")


@projects_app.command("add")
def projects_add(
    code: Annotated[str, typer.Option("--code", help="e.g. VTF-2024-07.")],
    title: Annotated[str, typer.Option("--title")],
    grantee: Annotated[str, typer.Option("--grantee")],
    on: Annotated[str, typer.Option("--on", help="Date of the approval.")],
    amount: Annotated[str, typer.Option("--amount", help="US dollars approved.")],
    reference: Annotated[str, typer.Option("--reference", help="The committee's decision.")],
    country: Annotated[str | None, typer.Option("--country", help="ISO alpha-3.")] = None,
    fund: Annotated[str, typer.Option("--fund", help="A voluntary fund.")] = "VTF",
    earmark: EarmarkOption = None,
) -> None:
    """Record a project approved by the selection committee; prints it."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import ProjectIn

    load_models()
    with reasons(), transaction() as session:
        project = service.create_project(
            session,
            actor=cli_actor(),
            data=ProjectIn(
                code=code,
                title=title,
                grantee=grantee,
                country=country,
                fund=fund,
                earmark=earmark,
                approved_on=parse_day(on),
                approved_amount=amount,
                reference=reference,
            ),
        )
    _show_project(project.id or 0)


@projects_app.command("show")
def projects_show(project_id: Annotated[int, typer.Argument(help="Project id.")]) -> None:
    """Show one project with its reports."""
    load_models()
    _show_project(project_id)


@projects_app.command("report")
def projects_report(
    project_id: Annotated[int, typer.Argument(help="Project id.")],
    due: Annotated[str, typer.Option("--due", help="Due date (YYYY-MM-DD).")],
    title: Annotated[str, typer.Option("--title", help='e.g. "Final narrative report".')],
) -> None:
    """Record a report a project's grantee owes."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import ReportIn

    load_models()
    with reasons(), transaction() as session:
        service.add_project_report(
            session,
            actor=cli_actor(),
            project_id=project_id,
            data=ReportIn(due_on=parse_day(due, "--due"), title=title),
        )
    _show_project(project_id)


@projects_app.command("report-received")
def projects_report_received(
    report_id: Annotated[int, typer.Argument(help="Report id.")],
    on: Annotated[str, typer.Option("--on", help="The day it arrived.")],
) -> None:
    """Record the day a project's report arrived."""
    from finance_core.voluntary import service

    load_models()
    with reasons(), transaction() as session:
        report = service.mark_report_received(
            session, actor=cli_actor(), report_id=report_id, received_on=parse_day(on)
        )
        project_id = report.project_id
    _show_project(project_id)


@projects_app.command("status")
def projects_status(
    project_id: Annotated[int, typer.Argument(help="Project id.")],
    status: Annotated[str, typer.Option("--status", help="approved, completed or cancelled.")],
) -> None:
    """Mark a project completed or cancelled (or approved again)."""
    from finance_core.voluntary import service
    from finance_core.voluntary.models import ProjectStatus

    wanted = ProjectStatus(_choice(status, "--status", tuple(ProjectStatus)))
    load_models()
    with reasons(), transaction() as session:
        service.set_project_status(session, actor=cli_actor(), project_id=project_id, status=wanted)
    _show_project(project_id)


# --- sponsorships -----------------------------------------------------------------------


@sponsorships_app.command("list")
def sponsorships_list(
    meeting: Annotated[str | None, typer.Option("--meeting", help='e.g. "CSP11".')] = None,
    fund: FundOption = None,
    limit: LimitOption = 50,
) -> None:
    """List sponsored delegates, newest first."""
    from finance_core.voluntary import queries, service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        ids, total = queries.list_sponsorships(
            session, meeting=meeting, fund=fund, limit=limit, offset=0
        )
        for s in (service.sponsorship_out(session, i) for i in ids):
            typer.echo(
                f"{s.id}\t{s.meeting}\t{s.traveller}\t{s.state_code or '-'}"
                f"\t{_pool(s.fund, s.earmark)}\tcosts {s.costs}\tdisbursed {s.disbursed}"
            )
    typer.echo(f"{len(ids)} of {total}")


@sponsorships_app.command("add")
def sponsorships_add(
    meeting: Annotated[str, typer.Option("--meeting", help='e.g. "CSP11".')],
    traveller: Annotated[str, typer.Option("--traveller")],
    state: Annotated[str | None, typer.Option("--state", help="The delegate's State.")] = None,
    conference: Annotated[
        int | None, typer.Option("--conference", help="The CSP's number, when on record.")
    ] = None,
    travel: Annotated[str, typer.Option("--travel", help="US dollars.")] = "0",
    subsistence: Annotated[str, typer.Option("--subsistence", help="US dollars.")] = "0",
    other: Annotated[str, typer.Option("--other", help="US dollars.")] = "0",
    fund: Annotated[str, typer.Option("--fund", help="A voluntary fund.")] = "SPP",
    earmark: EarmarkOption = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record a delegate sponsored to attend a meeting, with its costs; prints it."""
    from finance_core.voluntary import service
    from finance_core.voluntary.schemas import SponsorshipIn

    load_models()
    with reasons(), transaction() as session:
        created = service.create_sponsorship(
            session,
            actor=cli_actor(),
            data=SponsorshipIn(
                fund=fund,
                earmark=earmark,
                meeting=meeting,
                conference_number=conference,
                traveller=traveller,
                state_code=state,
                travel=travel,
                subsistence=subsistence,
                other=other,
                note=note,
            ),
        )
        s = service.sponsorship_out(session, created.id or 0)
    typer.echo(
        f"sponsorship {s.id}: {s.traveller} to {s.meeting} from {_pool(s.fund, s.earmark)}, "
        f"costs {s.costs} USD (travel {s.travel}, subsistence {s.subsistence}, other {s.other})"
    )
