"""``attfin annual-update``: the figures of an annual public update on progress against
the strategic plan, and its proposal with a narrative per goal (published when a second
finance officer runs ``attfin publications approve``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import (
    ByOption,
    as_at_of,
    known_at_of,
    load_models,
    officer_named,
    read_json,
    reasons,
)
from finance_core.db import transaction

annual_update_app = typer.Typer(
    no_args_is_help=True,
    help="Annual public updates on the strategic plan: figures and proposal.",
)

PlanArgument = Annotated[str, typer.Argument(help="The plan's code, e.g. SP-2026-2030.")]
YearOption = Annotated[int, typer.Option("--year", help="The year reported on.")]
AsAtOption = Annotated[str, typer.Option("--as-at", help="Value-date cutoff, e.g. 2025-12-31.")]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
]


@annual_update_app.command("figures")
def figures(
    plan: PlanArgument, year: YearOption, as_at: AsAtOption, known_at: KnownAtOption = None
) -> None:
    """Print, as JSON, the figures an update for the year would freeze (stores nothing)."""
    from strategy import annual_update, service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = service.find_plan(session, code=plan)
        built = annual_update.figures(
            session,
            plan_id=found.id or 0,
            year=year,
            as_at=as_at_of(as_at),
            known_at=known_at_of(known_at),
        )
    typer.echo(json.dumps(built.data, indent=2, ensure_ascii=False))


@annual_update_app.command("propose")
def propose(
    plan: PlanArgument,
    year: YearOption,
    as_at: AsAtOption,
    words: Annotated[
        Path,
        typer.Option(
            "--words",
            help='JSON: {"introduction", "narratives": [{"goal_code", "text"}], "reference"}.',
        ),
    ],
    by: ByOption,
    known_at: KnownAtOption = None,
) -> None:
    """Freeze the update for the year as a draft snapshot; another finance officer
    publishes it with ``attfin publications approve ID --by NAME``."""
    from strategy import annual_update, service
    from strategy.schemas import AnnualUpdateIn

    load_models()
    data = read_json(words, AnnualUpdateIn)
    with reasons(), transaction() as session:
        found = service.find_plan(session, code=plan)
        snapshot = annual_update.propose_update(
            session,
            actor=officer_named(session, by),
            plan_id=found.id or 0,
            year=year,
            as_at=as_at_of(as_at),
            known_at=known_at_of(known_at),
            data=data,
        )
        sid, digest = snapshot.id, snapshot.content_hash
    typer.echo(f"snapshot {sid}: annual update {plan} {year} proposed (draft), content {digest}")
    typer.echo(
        f"publish it as another finance officer: attfin publications approve {sid} --by NAME"
    )
