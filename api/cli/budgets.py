"""``attfin budgets``: budgets, revisions and methodology versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import load_models, read_json, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

budgets_app = typer.Typer(no_args_is_help=True, help="Budgets and methodology versions.")


@budgets_app.command("adopt")
def budgets_adopt(
    file: Annotated[
        Path,
        typer.Argument(help="JSON: fund, year, decision_symbol, adopted_on, carried_over, lines."),
    ],
) -> None:
    """Record a budget adopted by the CSP (the same JSON as POST /api/v1/budgets)."""
    from finance_core.budgets import service
    from finance_core.budgets.schemas import BudgetIn

    data = read_json(file, BudgetIn)
    load_models()
    with reasons(), transaction() as session:
        budget = service.adopt_budget(session, actor=cli_actor(), data=data)
        out = service.budget_out(session, budget, data.adopted_on)
    assert out.in_force is not None
    typer.echo(
        f"budget {out.id}: {out.fund} {out.year}, total {out.in_force.total}, "
        f"to assess {out.in_force.to_assess} USD"
    )


@budgets_app.command("revise")
def budgets_revise(
    budget_id: Annotated[int, typer.Argument(help="Budget id.")],
    file: Annotated[
        Path, typer.Argument(help="JSON: decision_symbol, adopted_on, carried_over, lines.")
    ],
) -> None:
    """Record a revision of a budget (the same JSON as POST /api/v1/budgets/{id}/revisions)."""
    from finance_core.budgets import service
    from finance_core.budgets.schemas import VersionIn

    data = read_json(file, VersionIn)
    load_models()
    with reasons(), transaction() as session:
        version = service.revise_budget(session, actor=cli_actor(), budget_id=budget_id, data=data)
    typer.echo(f"budget {budget_id}: version {version.version} ({version.decision_symbol})")


@budgets_app.command("list")
def budgets_list(
    fund: Annotated[str | None, typer.Option(help="Fund code.")] = None,
    year: Annotated[int | None, typer.Option(help="Financial year.")] = None,
) -> None:
    """List budgets with the version in force today."""
    from finance_core.budgets import service
    from finance_core.db_types import utctoday

    load_models()
    with reasons(), transaction(read_only=True) as session:
        for budget in service.list_budgets(session, fund=fund, year=year):
            out = service.budget_out(session, budget, utctoday())
            current = out.in_force
            figures = (
                f"{current.total}\t{current.to_assess}\tv{current.version}" if current else "-"
            )
            typer.echo(f"{out.id}\t{out.fund}\t{out.year}\t{figures}")


@budgets_app.command("methodology")
def budgets_methodology(
    file: Annotated[Path, typer.Argument(help="JSON, as POST /api/v1/methodologies.")],
) -> None:
    """Record a methodology version (how a fund is assessed from a year on)."""
    from finance_core.assessments import methodology
    from finance_core.assessments.methodology import MethodologyIn

    data = read_json(file, MethodologyIn)
    load_models()
    with reasons(), transaction() as session:
        version = methodology.adopt(session, actor=cli_actor(), data=data)
    typer.echo(f"methodology {version.id}: {version.fund_code} from {version.effective_from_year}")
