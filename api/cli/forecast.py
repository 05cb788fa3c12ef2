"""``attfin forecast`` and ``attfin spending-plan``: the cash forecast of the assessed
funds and the spending plans it uses."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.arrears import AsAtOption, JsonOption, KnownAtOption
from api.cli.common import as_at_of, fail, known_at_of, load_models, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

if TYPE_CHECKING:
    from finance_core.forecast.schemas import SpendingPlanOut

spending_plan_app = typer.Typer(no_args_is_help=True, help="Spending plans of the assessed funds.")


def forecast_command(
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    fund: Annotated[
        str, typer.Option("--fund", help="SEC, CSP, or all (the assessed funds together).")
    ] = "SEC",
    months: Annotated[int, typer.Option("--months", help="Months ahead (1-36).")] = 12,
    floor: Annotated[
        str, typer.Option("--floor", help="Cash to keep (USD); the reserve is drawn below it.")
    ] = "0.00",
    surplus_year: Annotated[
        int | None,
        typer.Option("--surplus-year", help="Add a scenario per decision on this surplus."),
    ] = None,
    surplus_fund: Annotated[
        str | None, typer.Option("--surplus-fund", help="Whose surplus (default --fund).")
    ] = None,
    as_json: JsonOption = False,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per month.")] = False,
) -> None:
    """The cash forecast: expected receipts, planned spending, cash, reserve draws."""
    from finance_core.forecast import service
    from reports.forecast import forecast_csv

    load_models()
    with reasons(), transaction(read_only=True) as session:
        report = service.forecast_out(
            session,
            service.forecast(
                session,
                as_at=as_at_of(as_at),
                known_at=known_at_of(known_at),
                months=months,
                fund=None if fund.lower() == "all" else fund.upper(),
                floor_minor=service.parse_cents(floor, field="--floor"),
                surplus_year=surplus_year,
                surplus_fund=surplus_fund.upper() if surplus_fund else None,
            ),
        )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    if csv:
        typer.echo(forecast_csv(report).decode("utf-8"), nl=False)
        return
    base = report.scenarios[0]
    typer.echo(
        f"cash forecast of {', '.join(report.funds)} as at {report.as_at}: opening cash "
        f"{report.opening_cash}, reserve ({report.reserve_fund}) {report.reserve_available} "
        f"available, floor "
        f"{report.method.floor}; amounts in USD"
    )
    heads = ("receipts", "spending", "before draw", "draw", "after draw", "reserve", "shortfall")
    typer.echo(f"{'month':<8}" + "".join(f"{h:>15}" for h in heads))
    for m in base.months:
        values = (
            m.receipts,
            m.spending,
            m.closing_before_draw,
            m.draw,
            m.closing_after_draw,
            m.reserve_after,
            m.shortfall,
        )
        typer.echo(f"{m.month:<8}" + "".join(f"{v:>15}" for v in values))
    typer.echo(
        f"receipts {base.receipts} (after the horizon {base.after_horizon}), spending "
        f"{base.spending}, reserve drawn {base.drawn}"
        + (f" from {base.first_draw_month}" if base.first_draw_month else "")
        + f", largest shortfall {base.largest_shortfall}"
    )
    for other in report.scenarios[1:]:
        credits = sum(Decimal(c) for c in other.state_credits.values())
        typer.echo(
            f"scenario {other.name}: credits {credits:.2f} to {len(other.state_credits)} "
            f"State(s), {other.to_reserve} to the reserve: receipts {other.receipts}, "
            f"reserve drawn {other.drawn}"
            + (f" from {other.first_draw_month}" if other.first_draw_month else "")
            + f", largest shortfall {other.largest_shortfall}, closing "
            f"{other.months[-1].closing_after_draw}"
        )
    for note in report.notes:
        typer.echo(f"note: {note}")


@spending_plan_app.command("add")
def spending_plan_add(
    fund: Annotated[str, typer.Option("--fund", help="SEC or CSP.")],
    year: Annotated[int, typer.Option("--year", help="Financial year.")],
    reference: Annotated[str, typer.Option("--reference", help="The plan's document.")],
    month: Annotated[
        list[str], typer.Option("--month", help="MONTH:AMOUNT (1-12, USD), once per month.")
    ],
) -> None:
    """Record a fund-year's spending plan (months not given plan nothing); it replaces
    the fund-year's earlier plan."""
    from finance_core.forecast import spending_plans
    from finance_core.forecast.schemas import SpendingMonthIn, SpendingPlanIn

    load_models()
    pairs: list[tuple[int, str]] = []
    for item in month:
        number, sep, amount = item.partition(":")
        if not sep or not number.strip().isdigit():
            fail(f"--month: {item!r} is not MONTH:AMOUNT")
        pairs.append((int(number), amount))
    with reasons(), transaction() as session:
        parts = [SpendingMonthIn(month=m, amount=a) for m, a in pairs]
        data = SpendingPlanIn(fund=fund.upper(), year=year, reference=reference, months=parts)
        rows = spending_plans.add_plan(session, actor=cli_actor(), data=data)
        out = spending_plans.plan_out(session, rows, as_at=as_at_of(None))
    _show(out)


@spending_plan_app.command("list")
def spending_plan_list(
    fund: Annotated[str | None, typer.Option("--fund")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
) -> None:
    """Spending plans, newest year first, latest version first."""
    from finance_core.forecast import spending_plans

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found, _total = spending_plans.list_plans(
            session, fund=fund, year=year, limit=1000, offset=0
        )
        outs = [spending_plans.plan_out(session, rows, as_at=as_at_of(None)) for rows in found]
    for out in outs:
        _show(out)


def _show(out: SpendingPlanOut) -> None:
    budget = f", budget {out.budget}" if out.budget is not None else ", no budget"
    typer.echo(
        f"{out.fund} {out.year} version {out.version} ({out.reference}): total {out.total} "
        f"USD{budget}"
    )
    typer.echo("  " + " ".join(f"{i}:{a}" for i, a in enumerate(out.months, start=1)))
