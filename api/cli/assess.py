"""``attfin assess``: the preview, assessment runs, explanations and notices."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, load_models, parse_day, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

assess_app = typer.Typer(no_args_is_help=True, help="Assessed contributions.")


class OutputFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@assess_app.command("preview")
def assess_preview(
    input_file: Annotated[
        Path, typer.Option("--input", help="CSV: code,name,un_rate,ldc,fixed_share.")
    ],
    amount: Annotated[str, typer.Option(help="Amount to assess, e.g. 14078652.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    currency: Annotated[str, typer.Option(help="Currency code.")] = "USD",
    rounding_unit: Annotated[str, typer.Option("--rounding-unit", help="1 or 0.01.")] = "1",
    ceiling: Annotated[str | None, typer.Option(help="Maximum rate, percent.")] = None,
    ldc_cap: Annotated[str | None, typer.Option("--ldc-cap", help="LDC maximum, percent.")] = None,
    floor_rate: Annotated[
        str | None, typer.Option("--floor-rate", help="Minimum rate, percent.")
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.CSV,
) -> None:
    """Share an amount among the participants of a CSV file; stores nothing."""
    from pydantic import ValidationError

    from finance_core.assessments import preview as engine
    from finance_core.assessments.schemas import PreviewRequest

    with reasons():
        participants = engine.participants_from_csv(input_file.read_text(encoding="utf-8"))
        try:
            request = PreviewRequest.model_validate(
                {
                    "amount": amount,
                    "currency": currency,
                    "rounding_unit": rounding_unit,
                    "ceiling": ceiling,
                    "ldc_cap": ldc_cap,
                    "floor_rate": floor_rate,
                    "participants": participants,
                }
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            fail(f"--{'-'.join(str(p) for p in first['loc'])}: {first['msg']}")
        result = engine.preview(request)
        text = (
            engine.rows_to_csv(result)
            if output_format is OutputFormat.CSV
            else result.model_dump_json(indent=2) + "\n"
        )
        out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(result.rows)} participants, total {result.total} {result.currency}: {out}")


def _budget_id(fund: str, year: int) -> int:
    from finance_core.budgets.service import find_budget

    with reasons(), transaction(read_only=True) as session:
        budget = find_budget(session, fund_code=fund, year=year)
    assert budget.id is not None
    return budget.id


Fund = Annotated[str, typer.Option("--fund", help="Fund code, e.g. SEC or CSP.")]
Year = Annotated[int, typer.Option("--year", help="Financial year.")]
On = Annotated[str, typer.Option("--on", help="Date of the run (YYYY-MM-DD).")]


def _report_run(run_id: int) -> None:
    from finance_core.assessments import service
    from finance_core.money import format_minor

    with reasons(), transaction(read_only=True) as session:
        run, lines = service.get_run(session, run_id)
    changed = sum(1 for x in lines if x.delta_minor)
    typer.echo(
        f"run {run.id} ({run.kind}): {changed} States, posted {format_minor(run.posted_minor)} "
        f"USD, total {format_minor(run.amount_minor)} USD, due {run.due_on}, entry {run.entry_seq}"
    )


@assess_app.command("run")
def assess_run(fund: Fund, year: Year, on: On) -> None:
    """Assess a budget in force, or post a revision's differences (else refused)."""
    from finance_core.assessments import service

    load_models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.assess(session, actor=cli_actor(), budget_id=budget_id, run_on=parse_day(on))
    _report_run(run.id or 0)


@assess_app.command("supplementary")
def assess_supplementary(
    fund: Fund,
    year: Year,
    on: On,
    state: Annotated[str, typer.Option("--state", help="The State that joined.")],
) -> None:
    """Assess a State that joined during the year; the others stay unchanged."""
    from finance_core.assessments import service

    load_models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.assess_supplementary(
            session, actor=cli_actor(), budget_id=budget_id, state_code=state, run_on=parse_day(on)
        )
    _report_run(run.id or 0)


@assess_app.command("reassess-csp")
def assess_reassess_csp(fund: Fund, year: Year, on: On) -> None:
    """Re-assess a CSP budget on the States registered for that year's CSP."""
    from finance_core.assessments import service

    load_models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.reassess_csp(
            session, actor=cli_actor(), budget_id=budget_id, run_on=parse_day(on)
        )
    _report_run(run.id or 0)


@assess_app.command("explain")
def assess_explain(
    run: Annotated[int, typer.Option("--run", help="Assessment run id.")],
    state: Annotated[str, typer.Option("--state", help="State code.")],
) -> None:
    """Recompute a State's stored amount from the methodology and inputs."""
    from finance_core.assessments import service
    from finance_core.money import format_minor

    load_models()
    with reasons(), transaction(read_only=True) as session:
        e = service.explain(session, run_id=run, state_code=state)
    typer.echo(
        f"{e.state_code} in run {e.run_id} ({e.kind}): {format_minor(e.amount_to_assess_minor)} "
        f"USD to assess on the {e.scale_code} scale; UN rate {e.un_rate}, LDC {e.ldc}, "
        f"adjusted rate {e.rate} % ({e.limit or 'proportional'}), pro rata {e.pro_rata}; "
        f"stored {format_minor(e.stored_minor)}, recomputed {format_minor(e.recomputed_minor)}: "
        f"{'match' if e.matches else 'MISMATCH'}"
    )
    if not e.matches:
        raise typer.Exit(1)


@assess_app.command("notice")
def assess_notice(
    run: Annotated[int, typer.Option("--run", help="Assessment run id.")],
    state: Annotated[str, typer.Option("--state", help="State code, e.g. FRA.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    lang: Annotated[str, typer.Option("--lang", help="en, fr or es.")] = "en",
    output_format: Annotated[str, typer.Option("--format", help="pdf, xlsx or html.")] = "pdf",
) -> None:
    """Write the assessment notice of a State for a run."""
    from reports import notices
    from reports.i18n import Language

    try:
        language, fmt = Language(lang), notices.NoticeFormat(output_format)
    except ValueError as exc:
        fail(str(exc))
    load_models()
    with reasons(), transaction(read_only=True) as session:
        notice = notices.notice_for(session, run_id=run, state_code=state)
        out.write_bytes(notices.render(notice, language, fmt))
    typer.echo(f"notice {notice.reference} ({language.value}, {fmt.value}): {out}")
