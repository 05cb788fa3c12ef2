"""``attfin close``: the year-end close of a fund (proposed by one finance officer,
approved by another), its surplus, the simulation of the CSP's options and its decision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import (
    ByOption,
    as_at_of,
    fail,
    known_at_of,
    load_models,
    officer_named,
    parse_day,
    reasons,
)
from finance_core.actor import cli_actor
from finance_core.db import transaction

if TYPE_CHECKING:
    from finance_core.close.schemas import CloseOut

close_app = typer.Typer(
    no_args_is_help=True, help="Year-end close, surplus, simulation and surplus decisions."
)

FundOption = Annotated[str, typer.Option("--fund", help="Fund code, e.g. SEC.")]
YearOption = Annotated[int, typer.Option("--year", help="Financial year.")]


def _print_close(out: CloseOut) -> None:
    f = out.figures
    typer.echo(
        f"close {out.id}: {out.fund} {out.year} {out.status} (proposed by {out.proposed_by}"
        + (f", approved by {out.approved_by}, {out.reference}" if out.approved_by else "")
        + ")"
    )
    typer.echo(
        f"  accrual: assessed {f.assessed_revenue} + voluntary {f.voluntary_revenue} + other "
        f"{f.other_revenue} + exchange {f.exchange_gain_loss} - written off {f.write_off} - "
        f"spent {f.expenditure} = surplus {f.surplus} USD"
    )
    typer.echo(
        f"  cash: collected {f.cash_collected} - spent {f.cash_spent} = {f.cash_surplus} USD"
    )


@close_app.command("surplus")
def surplus(fund: FundOption, year: YearOption) -> None:
    """The fund-year's surplus on an accrual and a cash basis."""
    from finance_core.close import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = service.surplus_out(session, fund=fund, year=year)
    typer.echo(f"{out.fund} {out.year} ({out.source}{', closed' if out.closed else ''})")
    f = out.figures
    for label, value in (
        ("assessed revenue", f.assessed_revenue),
        ("voluntary revenue", f.voluntary_revenue),
        ("other revenue", f.other_revenue),
        ("exchange gain/loss", f.exchange_gain_loss),
        ("written off", f.write_off),
        ("expenditure", f.expenditure),
        ("surplus (accrual)", f.surplus),
        ("cash collected", f.cash_collected),
        ("cash spent", f.cash_spent),
        ("surplus (cash)", f.cash_surplus),
    ):
        typer.echo(f"  {label:<20}{value:>16}")


@close_app.command("simulate")
def simulate(
    fund: FundOption,
    year: YearOption,
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Decision date (default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
    ] = None,
    split_percent: Annotated[
        list[str] | None,
        typer.Option("--split-percent", help="Percent to the States, the rest to the reserve."),
    ] = None,
    split_amount: Annotated[
        list[str] | None,
        typer.Option("--split-amount", help="Amount to the States, the rest to the reserve."),
    ] = None,
    credit_rule: Annotated[
        str, typer.Option("--credit-rule", help="pro_rata_assessed or paid_in_full_only.")
    ] = "pro_rata_assessed",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each option side by side (stores nothing)."""
    from finance_core.close import service
    from finance_core.close import surplus as pure
    from finance_core.close.schemas import PartIn

    load_models()
    try:
        rule = pure.CreditRule(credit_rule)
    except ValueError:
        fail("--credit-rule: pro_rata_assessed or paid_in_full_only")
    with reasons(), transaction(read_only=True) as session:
        options = [
            pure.option_for_split(
                f"split_{p}_percent",
                service.part_of(PartIn(percent=p), "--split-percent"),
                None,
                rule,
            )
            for p in split_percent or []
        ] + [
            pure.option_for_split(
                f"split_{a}_usd", service.part_of(PartIn(amount=a), "--split-amount"), None, rule
            )
            for a in split_amount or []
        ]
        out = service.simulation_out(
            service.simulation(
                session,
                fund=fund,
                year=year,
                as_at=as_at_of(as_at),
                known_at=known_at_of(known_at),
                options=options,
            )
        )
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(
        f"{out.fund} {out.year}: surplus {out.surplus} USD ({out.surplus_source}); reserve "
        f"{out.reserve_balance} USD = {out.months_covered or '-'} months, as at {out.as_at}"
    )
    for o in out.outcomes:
        typer.echo(
            f"{o.name}: to States {o.to_states}, to reserve {o.to_reserve}, kept {o.retained}; "
            f"reserve after {o.reserve_balance_after} = {o.months_covered_after or '-'} months"
            + (f" (not possible: {o.note})" if not o.feasible else "")
        )
        for s in o.states:
            if s.credit != "0.00" or s.next_year_assessed is not None:
                typer.echo(
                    f"  {s.state_code:<4} credit {s.credit:>14}  balance after "
                    f"{s.balance_after:>14}  next year to pay {s.next_year_to_pay or '-':>14}"
                )


@close_app.command("propose")
def propose(
    fund: FundOption,
    year: YearOption,
    by: ByOption,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Propose the close of a fund-year (its figures are frozen)."""
    from finance_core.close import service

    load_models()
    with reasons(), transaction() as session:
        close = service.propose_close(
            session, actor=officer_named(session, by), fund=fund, year=year, note=note
        )
        out = service.close_out(close)
    _print_close(out)


@close_app.command("approve")
def approve(
    close_id: Annotated[int, typer.Argument(help="The close to approve.")],
    by: ByOption,
    reference: Annotated[str, typer.Option("--reference", help="The approval's reference.")],
) -> None:
    """Approve a proposed close as a second finance officer: the year closes for good."""
    from finance_core.close import service

    load_models()
    with reasons(), transaction() as session:
        close = service.approve_close(
            session, actor=officer_named(session, by), close_id=close_id, reference=reference
        )
        out = service.close_out(close)
    _print_close(out)


@close_app.command("decide")
def decide(
    fund: FundOption,
    year: YearOption,
    on: Annotated[str, typer.Option("--on", help="Date of the CSP's decision.")],
    reference: Annotated[str, typer.Option("--reference", help="The decision's symbol.")],
    option: Annotated[str, typer.Option("--option", help="credit_states, to_reserve or split.")],
    credit_rule: Annotated[
        str, typer.Option("--credit-rule", help="pro_rata_assessed or paid_in_full_only.")
    ] = "pro_rata_assessed",
    states_percent: Annotated[str | None, typer.Option("--states-percent")] = None,
    states_amount: Annotated[str | None, typer.Option("--states-amount")] = None,
    reserve_percent: Annotated[str | None, typer.Option("--reserve-percent")] = None,
    reserve_amount: Annotated[str | None, typer.Option("--reserve-amount")] = None,
) -> None:
    """Record and post the CSP's decision on the surplus of a closed fund-year."""
    from finance_core.close import service
    from finance_core.close.schemas import PartIn, SurplusDecisionIn

    load_models()

    def part(percent: str | None, amount: str | None) -> PartIn | None:
        return PartIn(percent=percent, amount=amount) if percent or amount else None

    with reasons(), transaction() as session:
        data = SurplusDecisionIn.model_validate(
            {
                "decided_on": parse_day(on),
                "reference": reference,
                "option": option,
                "credit_rule": credit_rule,
                "to_states": part(states_percent, states_amount),
                "to_reserve": part(reserve_percent, reserve_amount),
            }
        )
        decision = service.record_decision(
            session, actor=cli_actor(), fund=fund, year=year, data=data
        )
        out = service.decision_out(session, decision)
    typer.echo(
        f"decision {out.id}: {out.fund} {out.year} surplus {out.surplus} USD: to States "
        f"{out.to_states}, to reserve {out.to_reserve}, kept {out.retained} ({out.reference})"
    )
    for c in out.credits:
        typer.echo(f"  {c.state_code:<4} {c.amount:>14}")


@close_app.command("list")
def list_closes(
    fund: Annotated[str | None, typer.Option("--fund")] = None,
) -> None:
    """Closes and surplus decisions, latest year first."""
    from finance_core.close import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        closes = [service.close_out(c) for c in service.list_closes(session, fund=fund)]
        decisions = {(d.fund_code, d.year): d for d in service.list_decisions(session, fund=fund)}
    for c in closes:
        d = decisions.get((c.fund, c.year)) if c.status == "approved" else None
        decided = f"\tdecision {d.id} ({d.option}, {d.reference})" if d is not None else ""
        typer.echo(f"{c.id}\t{c.fund}\t{c.year}\t{c.status}\tsurplus {c.figures.surplus}{decided}")
