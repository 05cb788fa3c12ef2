"""``attfin reserve``: the Working Capital Fund's position, target rules and movements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import as_at_of, fail, known_at_of, load_models, parse_day, read_json, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

reserve_app = typer.Typer(
    no_args_is_help=True, help="The reserve (Working Capital Fund): position and movements."
)


@reserve_app.command("position")
def position(
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Value date (default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The reserve's balance, cash, advances, target, gap and months of spending covered."""
    from finance_core.reserve import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = service.position_out(
            service.position(session, as_at=as_at_of(as_at), known_at=known_at_of(known_at))
        )
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(f"reserve as at {out.as_at}; amounts in USD")
    typer.echo(f"  balance           {out.balance:>16}")
    typer.echo(f"  cash              {out.cash:>16}")
    for fund, amount in out.advanced.items():
        typer.echo(f"  drawn by {fund:<8} {amount:>16}")
    for fund, amount in out.receivable.items():
        typer.echo(f"  owed by {fund:<9} {amount:>16}")
    typer.echo(f"  available         {out.available:>16}")
    if out.rule is not None:
        what = (
            f"{out.rule.percent} % of the annual budget"
            if out.rule.percent is not None
            else f"{out.rule.months} months of planned spending"
        )
        typer.echo(f"  target rule {out.rule.id}: {what} ({', '.join(out.rule.budget_funds)})")
    typer.echo(f"  annual budget     {out.annual_budget or '-':>16} ({out.budget_year or '-'})")
    typer.echo(f"  target            {out.target or '-':>16}")
    typer.echo(f"  gap               {out.gap or '-':>16}")
    typer.echo(f"  months covered    {out.months_covered or '-':>16}")


@reserve_app.command("rules")
def rules() -> None:
    """The dated target rules, oldest first."""
    from finance_core.reserve import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        for r in (service.rule_out(x) for x in service.list_rules(session)):
            what = f"{r.percent} %" if r.percent is not None else f"{r.months} months"
            typer.echo(
                f"{r.id}\tfrom {r.effective_from}\t{r.basis}\t{what}\t"
                f"{','.join(r.budget_funds)}\t{r.reference}"
            )


@reserve_app.command("adopt-rule")
def adopt_rule(
    file: Annotated[Path, typer.Argument(help="JSON file (TargetRuleIn, see /docs).")],
) -> None:
    """Record a target rule adopted by a decision, from a JSON file."""
    from finance_core.reserve import service
    from finance_core.reserve.schemas import TargetRuleIn

    load_models()
    data = read_json(file, TargetRuleIn)
    with reasons(), transaction() as session:
        rule = service.adopt_rule(session, actor=cli_actor(), data=data)
        typer.echo(f"rule {rule.id} in force from {rule.effective_from}")


@reserve_app.command("movements")
def movements(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
) -> None:
    """Movements of the reserve, newest first."""
    from finance_core.reserve import service
    from finance_core.reserve.models import MovementKind

    load_models()
    try:
        wanted = MovementKind(kind) if kind else None
    except ValueError:
        fail(f"--kind: one of {', '.join(k.value for k in MovementKind)}")
    with reasons(), transaction(read_only=True) as session:
        rows, _total = service.list_movements(session, kind=wanted, limit=limit)
        for m in (service.movement_out(x) for x in rows):
            who = m.fund or m.state_code or m.donor or "-"
            typer.echo(
                f"{m.id}\t{m.value_on}\t{m.kind}\t{m.amount}\t{who}\t{m.reference}"
                f"\tentry {m.entry_seq}"
            )


@reserve_app.command("record")
def record(
    kind: Annotated[
        str, typer.Option("--kind", help="contribution, draw_down, replenishment or settlement.")
    ],
    on: Annotated[str, typer.Option("--on", help="Value date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="US dollars, e.g. 150000.00.")],
    reference: Annotated[
        str, typer.Option("--reference", help="Approval, decision or bank reference.")
    ],
    fund: Annotated[str | None, typer.Option("--fund", help="The other fund (SEC).")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Contributing State.")] = None,
    donor: Annotated[str | None, typer.Option("--donor", help="Contributing donor.")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record a contribution, draw-down, replenishment or settlement of the reserve."""
    from finance_core.reserve import service
    from finance_core.reserve.models import MovementKind
    from finance_core.reserve.schemas import MovementIn

    load_models()
    try:
        movement_kind = MovementKind(kind)
    except ValueError:
        fail(f"--kind: one of {', '.join(k.value for k in MovementKind)}")
    with reasons(), transaction() as session:
        m = service.record_movement(
            session,
            actor=cli_actor(),
            data=MovementIn(
                kind=movement_kind,
                value_on=parse_day(on),
                amount=amount,
                fund=fund,
                state_code=state,
                donor=donor,
                reference=reference,
                note=note,
            ),
        )
        typer.echo(
            f"movement {m.id}: {m.kind} of {amount} USD on {m.value_on}, entry {m.entry_seq}"
        )
