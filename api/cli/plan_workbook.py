"""``attfin plan-workbook``: a draft strategic plan exported to an xlsx workbook and an
edited workbook imported back (a dry run unless ``--commit``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import fail, load_models, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

if TYPE_CHECKING:
    from strategy.schemas import FieldChange, PlanChanges

plan_workbook_app = typer.Typer(
    no_args_is_help=True, help="A strategic plan as an xlsx workbook, exported and imported."
)

PlanArgument = Annotated[str, typer.Argument(help="Code of the plan, e.g. SP-2026-2030.")]


@plan_workbook_app.command("export")
def export(
    plan: PlanArgument,
    out: Annotated[Path, typer.Option("--out", help="The xlsx file to write.")],
) -> None:
    """Write the plan's workbook (Read me, Plan, Elements, Indicators, Targets)."""
    from strategy import service, workbook

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = service.find_plan(session, code=plan)
        body = workbook.export_plan(session, plan_id=found.id or 0)
        elements = len(service.elements_of(session, plan_id=found.id or 0))
        indicators = len(service.indicators_of(session, plan_id=found.id or 0))
    try:
        out.write_bytes(body)
    except OSError as exc:
        fail(str(exc))
    typer.echo(f"wrote {out}: plan {plan}, {elements} elements, {indicators} indicators")


def _fields(fields: list[FieldChange]) -> str:
    return "; ".join(f"{f.field}: {f.old!r} -> {f.new!r}" for f in fields)


def _print(report: PlanChanges) -> None:
    for f in report.plan:
        typer.echo(f"plan\tchanged\t{_fields([f])}")
    for verb, elements in (
        ("added", report.elements_added),
        ("changed", report.elements_changed),
        ("removed", report.elements_removed),
    ):
        for e in elements:
            under = f" under {e.parent_code}" if e.parent_code else ""
            detail = _fields(e.fields) if e.fields else e.title
            typer.echo(f"{e.level}\t{verb}\t{e.code}{under}\t{detail}")
    for verb, indicators in (
        ("added", report.indicators_added),
        ("changed", report.indicators_changed),
        ("removed", report.indicators_removed),
    ):
        for i in indicators:
            detail = _fields(i.fields) if i.fields else i.title
            typer.echo(f"indicator\t{verb}\t{i.code} of {i.element_code}\t{detail}")
    for verb, targets in (
        ("added", report.targets_added),
        ("changed", report.targets_changed),
        ("removed", report.targets_removed),
    ):
        for t in targets:
            typer.echo(f"target\t{verb}\t{t.indicator_code} {t.year}\t{t.old} -> {t.new}")


@plan_workbook_app.command("import")
def import_file(
    plan: PlanArgument,
    file: Annotated[Path, typer.Argument(help="The plan's workbook (xlsx, at most 5 MB).")],
    commit: Annotated[
        bool, typer.Option("--commit", help="Apply the changes (default: dry run only).")
    ] = False,
) -> None:
    """Check an edited workbook against the draft plan and list what it changes (dry run);
    with --commit apply it: all of it or nothing."""
    from strategy import service, workbook

    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(str(exc))
    load_models()
    with reasons():
        sheet = workbook.parse_workbook(content)
    if not commit:
        with reasons(), transaction() as session:
            found = service.find_plan(session, code=plan)
            report = workbook.diff_plan(session, plan_id=found.id or 0, sheet=sheet)
        _print(report)
        typer.echo(f"{report.count} changes to plan {plan} (dry run: nothing written)")
        return
    with reasons(), transaction() as session:
        found = service.find_plan(session, code=plan)
        report = workbook.apply_changes(
            session, actor=cli_actor(), plan_id=found.id or 0, sheet=sheet
        )
    _print(report)
    typer.echo(f"{report.count} changes applied to plan {plan}")
