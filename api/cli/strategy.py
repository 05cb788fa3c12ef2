"""``attfin strategy``: the five-year strategic plan: plans and their lifecycle, goals,
objectives, outputs and activities, indicators, measurements recorded by one officer and
approved by another, budget lines shared among objectives, cost and progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from sqlmodel import Session

from api.cli.common import (
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
    from strategy.models import StrategicPlan
    from strategy.schemas import ElementNodeOut, FiguresOut, MeasurementOut, PlanOut

strategy_app = typer.Typer(
    no_args_is_help=True,
    help="The strategic plan: plans, structure, indicators, measurements, links, cost, progress.",
)

PlanArgument = Annotated[str, typer.Argument(help="The plan's code, e.g. SP-2026-2030.")]
AsAtOption = Annotated[str | None, typer.Option("--as-at", help="Value date (default today).")]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(f"{option}: one of {', '.join(choices)}")
    return value


def _plan(session: Session, code: str) -> StrategicPlan:
    from strategy import service

    return service.find_plan(session, code=code)


def _pairs(items: list[str], option: str, shape: str) -> list[tuple[str, str]]:
    """``KEY:VALUE`` items split at their last colon, or a one-line failure."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        key, sep, value = item.rpartition(":")
        if not sep or not key.strip() or not value.strip():
            fail(f"{option}: {item!r} is not {shape}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _print_plan(p: PlanOut) -> None:
    typer.echo(f"plan {p.id}: {p.code} {p.first_year}-{p.last_year} {p.status}: {p.title}")
    if p.adopted_on is not None:
        typer.echo(f"  adopted on {p.adopted_on} ({p.decision_reference})")
    if p.closed_on is not None:
        note = f": {p.closing_note}" if p.closing_note else ""
        typer.echo(f"  closed on {p.closed_on}{note}")


def _print_measurement(m: MeasurementOut) -> None:
    category = f" ({m.category})" if m.category else ""
    replaces = f", supersedes {m.supersedes}" if m.supersedes is not None else ""
    approved = f", approved by {m.approved_by}" if m.approved_by else ""
    typer.echo(
        f"measurement {m.id}: {m.indicator_code} {m.year}{category} = {m.value} {m.status} "
        f"(recorded by {m.recorded_by}{approved}{replaces})"
    )


# --- plans ---------------------------------------------------------------------------------


@strategy_app.command("plans")
def plans(
    status: Annotated[
        str | None, typer.Option("--status", help="draft, adopted or closed.")
    ] = None,
) -> None:
    """Strategic plans, latest period first."""
    from strategy import service
    from strategy.models import PlanStatus

    wanted = PlanStatus(_choice(status, "--status", tuple(PlanStatus))) if status else None
    load_models()
    with reasons(), transaction(read_only=True) as session:
        rows = [service.plan_out(p) for p in service.list_plans(session, status=wanted)]
    for p in rows:
        typer.echo(f"{p.id}\t{p.code}\t{p.first_year}-{p.last_year}\t{p.status}\t{p.title}")
    typer.echo(f"{len(rows)} plan(s)")


@strategy_app.command("create")
def create(
    code: Annotated[str, typer.Option("--code", help="e.g. SP-2026-2030.")],
    title: Annotated[str, typer.Option("--title")],
    first_year: Annotated[int, typer.Option("--first-year", help="The plan covers five years.")],
    description: Annotated[str | None, typer.Option("--description")] = None,
) -> None:
    """Create a draft plan covering five years from --first-year; prints it."""
    from strategy import service
    from strategy.schemas import PlanIn

    load_models()
    with reasons(), transaction() as session:
        data = PlanIn(code=code, title=title, description=description, first_year=first_year)
        out = service.plan_out(service.create_plan(session, actor=cli_actor(), data=data))
    _print_plan(out)


def _print_node(node: ElementNodeOut, depth: int) -> None:
    pad = "  " * depth
    typer.echo(f"{pad}{node.level} {node.code} (element {node.id}): {node.title}")
    for i in node.indicators:
        source = f"computed {i.measure}" if i.measure else "entered"
        extra = f", by {i.disaggregation}" if i.disaggregation else ""
        targets = " ".join(f"{t.year}:{t.value}" for t in i.targets) or "no targets"
        typer.echo(
            f"{pad}  indicator {i.id} {i.code}: {i.title} [{i.unit}, {i.direction}, "
            f"{i.target_kind}, {source}{extra}] baseline {i.baseline_value} "
            f"({i.baseline_year}); targets {targets}"
        )
    for child in node.children:
        _print_node(child, depth + 1)


@strategy_app.command("show")
def show(plan: PlanArgument) -> None:
    """A plan with its goals, objectives, outputs, activities and indicators; for a draft,
    what keeps it from being adopted."""
    from strategy import service
    from strategy.models import PlanStatus

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = _plan(session, plan)
        tree = service.plan_tree(session, plan_id=found.id or 0)
        problems = (
            service.adoption_problems(session, plan_id=found.id or 0)
            if found.status == PlanStatus.DRAFT
            else {}
        )
    _print_plan(tree.plan)
    for goal in tree.goals:
        _print_node(goal, 1)
    if tree.plan.status == PlanStatus.DRAFT:
        if problems:
            typer.echo("not ready for adoption:")
            for name, message in problems.items():
                typer.echo(f"  {name}: {message}")
        else:
            typer.echo("ready for adoption")


# --- structure -----------------------------------------------------------------------------


@strategy_app.command("add-element")
def add_element(
    plan: PlanArgument,
    level: Annotated[str, typer.Option("--level", help="goal, objective, output or activity.")],
    code: Annotated[str, typer.Option("--code", help="Unique within the plan, e.g. O1.2.")],
    title: Annotated[str, typer.Option("--title")],
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="The goal of an objective, the objective of the others."),
    ] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    order: Annotated[int, typer.Option("--order", help="Order among its siblings.")] = 0,
) -> None:
    """Add a goal, objective, output or activity to a draft plan."""
    from strategy import service
    from strategy.models import ElementLevel
    from strategy.schemas import ElementIn

    wanted = ElementLevel(_choice(level, "--level", tuple(ElementLevel)))
    load_models()
    with reasons(), transaction() as session:
        found = _plan(session, plan)
        data = ElementIn(
            level=wanted,
            parent_code=parent,
            code=code,
            title=title,
            description=description,
            order=order,
        )
        element = service.add_element(session, actor=cli_actor(), plan_id=found.id or 0, data=data)
        under = f" under {parent}" if parent else ""
        line = f"{element.level} {element.code} (element {element.id}) of {found.code}{under}"
    typer.echo(line)


@strategy_app.command("add-indicator")
def add_indicator(
    plan: PlanArgument,
    element: Annotated[str, typer.Option("--element", help="The goal or objective measured.")],
    code: Annotated[str, typer.Option("--code", help="Unique within the plan.")],
    title: Annotated[str, typer.Option("--title")],
    unit: Annotated[
        str, typer.Option("--unit", help="percent, count, usd, months, ratio or days.")
    ],
    baseline: Annotated[str, typer.Option("--baseline", help="Baseline value, e.g. 62.5.")],
    baseline_year: Annotated[
        int, typer.Option("--baseline-year", help="At the latest the plan's first year.")
    ],
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="YEAR:VALUE, once per year of the plan."),
    ] = None,
    direction: Annotated[
        str, typer.Option("--direction", help="higher_is_better or lower_is_better.")
    ] = "higher_is_better",
    cumulative: Annotated[
        bool,
        typer.Option("--cumulative", help="Targets are totals from the first year (else annual)."),
    ] = False,
    computed: Annotated[
        str | None,
        typer.Option("--computed", help="Computed from the finance data by this measure."),
    ] = None,
    disaggregation: Annotated[
        str | None,
        typer.Option("--disaggregation", help="Also measured per category, e.g. regional_group."),
    ] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    order: Annotated[int, typer.Option("--order", help="Order among its siblings.")] = 0,
) -> None:
    """Add an indicator with its baseline and targets to a goal or objective of a draft
    plan (entered by officers, or --computed from the finance data)."""
    from strategy import service
    from strategy.models import Source, Unit
    from strategy.progress import Direction, TargetKind
    from strategy.schemas import IndicatorIn, TargetIn

    wanted_unit = Unit(_choice(unit, "--unit", tuple(Unit)))
    wanted_direction = Direction(_choice(direction, "--direction", tuple(Direction)))
    targets: list[tuple[int, str]] = []
    for year, value in _pairs(target or [], "--target", "YEAR:VALUE"):
        if not year.isdigit():
            fail(f"--target: {year!r} is not a year")
        targets.append((int(year), value))
    load_models()
    with reasons(), transaction() as session:
        found = _plan(session, plan)
        data = IndicatorIn(
            element_code=element,
            code=code,
            title=title,
            description=description,
            unit=wanted_unit,
            direction=wanted_direction,
            baseline_value=baseline,
            baseline_year=baseline_year,
            target_kind=TargetKind.CUMULATIVE if cumulative else TargetKind.ANNUAL,
            targets=[TargetIn(year=y, value=v) for y, v in targets],
            source=Source.COMPUTED if computed else Source.ENTERED,
            measure=computed,
            disaggregation=disaggregation,
            order=order,
        )
        indicator = service.add_indicator(
            session, actor=cli_actor(), plan_id=found.id or 0, data=data
        )
        out = service.indicator_out(session, indicator)
    typer.echo(
        f"indicator {out.id}: {out.code} of {out.element_code} ({out.unit}, {out.source}), "
        f"{len(out.targets)} target(s)"
    )


# --- lifecycle -----------------------------------------------------------------------------


@strategy_app.command("adopt")
def adopt(
    plan: PlanArgument,
    reference: Annotated[str, typer.Option("--reference", help="The CSP decision.")],
    on: Annotated[str, typer.Option("--on", help="Date of the decision (YYYY-MM-DD).")],
) -> None:
    """Record the CSP decision adopting a draft plan: its structure is then frozen."""
    from strategy import service
    from strategy.schemas import PlanAdoptionIn

    day = parse_day(on)
    load_models()
    with reasons(), transaction() as session:
        found = _plan(session, plan)
        data = PlanAdoptionIn(decision_reference=reference, adopted_on=day)
        out = service.plan_out(
            service.adopt_plan(session, actor=cli_actor(), plan_id=found.id or 0, data=data)
        )
    _print_plan(out)


@strategy_app.command("close")
def close(
    plan: PlanArgument,
    on: Annotated[str, typer.Option("--on", help="The day the plan ended (YYYY-MM-DD).")],
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Close an adopted plan (refused while a measurement awaits approval)."""
    from strategy import service
    from strategy.schemas import PlanClosureIn

    day = parse_day(on)
    load_models()
    with reasons(), transaction() as session:
        found = _plan(session, plan)
        data = PlanClosureIn(closed_on=day, note=note)
        out = service.plan_out(
            service.close_plan(session, actor=cli_actor(), plan_id=found.id or 0, data=data)
        )
    _print_plan(out)


# --- measurements --------------------------------------------------------------------------


@strategy_app.command("measure")
def measure(
    indicator_id: Annotated[int, typer.Argument(help="The indicator (its id, see show).")],
    year: Annotated[int, typer.Option("--year", help="A year of the plan.")],
    value: Annotated[str, typer.Option("--value", help="In the indicator's unit, e.g. 72.5.")],
    category: Annotated[
        str, typer.Option("--category", help="A category of its disaggregation.")
    ] = "",
    narrative: Annotated[str | None, typer.Option("--narrative")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="An http(s) address of the evidence.")
    ] = None,
    supersedes: Annotated[
        int | None, typer.Option("--supersedes", help="The latest version it replaces.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="The finance officer (user name) recording (default you)."),
    ] = None,
) -> None:
    """Record a value of an entered indicator, awaiting approval by another person."""
    from strategy import service
    from strategy.schemas import MeasurementIn

    load_models()
    with reasons(), transaction() as session:
        actor = officer_named(session, by) if by else cli_actor()
        data = MeasurementIn(
            year=year,
            category=category,
            value=value,
            narrative=narrative,
            evidence_url=evidence,
            supersedes=supersedes,
        )
        m = service.record_measurement(session, actor=actor, indicator_id=indicator_id, data=data)
        out = service.measurement_out(session, measurement_id=m.id or 0)
    _print_measurement(out)


@strategy_app.command("approve")
def approve(
    measurement_id: Annotated[int, typer.Argument(help="The measurement to approve.")],
    by: Annotated[
        str,
        typer.Option("--by", help="The finance officer (user name) approving: not the author."),
    ],
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Approve a measurement as a person other than its author: it becomes the value in
    force."""
    from strategy import service
    from strategy.schemas import ApprovalIn

    load_models()
    with reasons(), transaction() as session:
        service.approve_measurement(
            session,
            actor=officer_named(session, by),
            measurement_id=measurement_id,
            data=ApprovalIn(note=note),
        )
        out = service.measurement_out(session, measurement_id=measurement_id)
    _print_measurement(out)


@strategy_app.command("measurements")
def measurements(
    plan: PlanArgument,
    year: Annotated[int | None, typer.Option("--year")] = None,
    known_at: KnownAtOption = None,
) -> None:
    """Every version of the plan's measurements with its status."""
    from strategy import service

    cutoff = known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = _plan(session, plan)
        rows = service.measurement_history(
            session, plan_id=found.id or 0, year=year, known_at=cutoff
        )
    for m in rows:
        typer.echo(
            f"{m.id}\t{m.indicator_code}\t{m.year}\t{m.category or '-'}\t{m.value}\t{m.status}"
            f"\t{m.recorded_by}\t{m.approved_by or '-'}\t{m.supersedes or '-'}"
        )
    typer.echo(f"{len(rows)} version(s)")


# --- budget lines and objectives -----------------------------------------------------------


@strategy_app.command("link")
def link(
    line: Annotated[int, typer.Option("--line", help="The budget line (its id, see cost).")],
    objective: Annotated[
        list[str] | None,
        typer.Option("--objective", help="CODE:BASISPOINTS (10000 = 100 %), once per objective."),
    ] = None,
    unlink: Annotated[
        bool, typer.Option("--unlink", help="Link the line to no objective.")
    ] = False,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Share a budget line among objectives of the plan adopted for its year (the whole
    distribution at once; the rest is unlinked)."""
    from strategy import service
    from strategy.schemas import LineLinksIn, LinkIn

    if bool(objective) == unlink:
        fail("give --objective CODE:BASISPOINTS (once per objective) or --unlink")
    shares: list[tuple[str, int]] = []
    for code, points in _pairs(objective or [], "--objective", "CODE:BASISPOINTS"):
        if not points.isdigit():
            fail(f"--objective: {points!r} is not a whole number of basis points")
        shares.append((code, int(points)))
    load_models()
    with reasons(), transaction() as session:
        data = LineLinksIn(
            links=[LinkIn(objective_code=c, share_bp=bp) for c, bp in shares], note=note
        )
        service.set_line_links(session, actor=cli_actor(), budget_line_id=line, data=data)
        out = service.line_links(session, budget_line_id=line)
    parts = ", ".join(f"{x.objective_code} {x.share_bp}" for x in out.links) or "no objective"
    typer.echo(
        f"line {out.budget_line_id} ({out.fund} {out.year} {out.line_code}): {parts}; "
        f"unlinked {out.unlinked_bp} basis points"
    )


# --- cost and progress ---------------------------------------------------------------------


def _figures(f: FiguresOut) -> str:
    values = (f.original, f.revised, f.commitments, f.actual, f.available, f.execution_rate or "-")
    return "".join(f"{v:>15}" for v in values)


@strategy_app.command("cost")
def cost(
    plan: PlanArgument,
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    year: Annotated[int | None, typer.Option("--year", help="One year of the plan.")] = None,
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV, one row per goal and objective.")
    ] = False,
) -> None:
    """What each goal and objective costs (the budget lines split by their links)."""
    from reports.plan_cost import cost_csv
    from strategy import service

    if as_json and as_csv:
        fail("give --json or --csv, not both")
    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = _plan(session, plan)
        out = service.cost_out(
            service.cost(session, plan_id=found.id or 0, as_at=day, known_at=cutoff, year=year)
        )
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    if as_csv:
        typer.echo(cost_csv(out).decode("utf-8"), nl=False)
        return
    years = f" {out.year}" if out.year is not None else ""
    typer.echo(f"cost of {out.plan_code}{years} as at {out.as_at}; amounts in USD")
    heads = ("original", "revised", "commitments", "actual", "available", "rate %")
    typer.echo(f"{'':<16}" + "".join(f"{h:>15}" for h in heads))
    for goal in out.goals:
        typer.echo(f"{goal.code:<16}" + _figures(goal.figures))
        for o in out.objectives:
            if o.goal_code == goal.code:
                typer.echo(f"  {o.code:<14}" + _figures(o.figures))
    typer.echo(f"{'unlinked':<16}" + _figures(out.unlinked))
    typer.echo(f"{'total':<16}" + _figures(out.total))
    for x in out.lines:
        parts = ", ".join(f"{p.objective_code} {p.share_bp}" for p in x.parts) or "unlinked"
        typer.echo(f"line {x.budget_line_id}: {x.fund} {x.year} {x.line_code}: {parts}")


@strategy_app.command("progress")
def progress(
    plan: PlanArgument,
    year: Annotated[int, typer.Option("--year", help="A year of the plan.")],
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every indicator against its target for a year, rolled up per objective and goal."""
    from strategy import service

    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = _plan(session, plan)
        out = service.progress_out(
            service.progress(session, plan_id=found.id or 0, year=year, as_at=day, known_at=cutoff)
        )
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(f"progress of {out.plan_code} in {out.year} as at {out.as_at}")
    for i in out.indicators:
        way = f"{i.share_of_way} % of the way" if i.share_of_way is not None else "-"
        typer.echo(
            f"  {i.code:<12} {i.status:<10} value {i.value or '-'} target {i.target or '-'} "
            f"({way}; trend {i.trend or '-'})"
        )
    for r in [*out.goals, *out.objectives]:
        share = f"{r.on_track_share} % on track" if r.on_track_share is not None else "no data"
        typer.echo(f"{r.level} {r.code:<10} {r.status:<10} ({share})")
