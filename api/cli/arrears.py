"""``attfin arrears`` and ``attfin plans``: arrears and aging, Financial Rule 8 lists,
Rule 8(1)(d) payment plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import as_at_of, fail, known_at_of, load_models, parse_day, read_json, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

arrears_app = typer.Typer(no_args_is_help=True, help="Arrears, aging and Financial Rule 8.")
plans_app = typer.Typer(no_args_is_help=True, help="Rule 8(1)(d) payment plans.")

AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Value-date cutoff (default today).")
]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@arrears_app.command("aging")
def aging(
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    state: Annotated[str | None, typer.Option("--state", help="One State.")] = None,
    as_json: JsonOption = False,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per cell.")] = False,
) -> None:
    """Arrears and aging per State (buckets by assessment year)."""
    from finance_core.arrears import service
    from finance_core.states.service import get_state
    from reports.aging import aging_csv

    load_models()
    with reasons(), transaction(read_only=True) as session:
        code = get_state(session, state).code if state else None
        report = service.aging_out(
            session,
            service.aging(
                session, as_at=as_at_of(as_at), known_at=known_at_of(known_at), state=code
            ),
        )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    if csv:
        typer.echo(aging_csv(report).decode("utf-8"), nl=False)
        return
    heads = report.buckets
    typer.echo(f"aging as at {report.as_at} (rule {report.rule_id}); amounts in USD")
    typer.echo(
        f"{'State':<6}{'outstanding':>15}{'arrears':>15}" + "".join(f"{h:>15}" for h in heads)
    )
    for s in report.states:
        typer.echo(
            f"{s.state_code:<6}{s.outstanding:>15}{s.arrears:>15}"
            + "".join(f"{s.buckets[h]:>15}" for h in heads)
        )
    t = report.totals
    typer.echo(
        f"{'total':<6}{t['outstanding']:>15}{t['arrears']:>15}"
        + "".join(f"{t[h]:>15}" for h in heads)
    )


@arrears_app.command("collection")
def collection(as_at: AsAtOption = None, known_at: KnownAtOption = None) -> None:
    """Collection per fund and assessment year, with the rate."""
    from finance_core.arrears import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        rows = service.collection(session, as_at=as_at_of(as_at), known_at=known_at_of(known_at))
    typer.echo(f"{'year':<6}{'fund':<6}{'assessed':>15}{'collected':>15}{'outstanding':>15}  rate")
    for r in rows:
        rate = f"{r.rate} %" if r.rate is not None else "-"
        typer.echo(
            f"{r.assessment_year:<6}{r.fund:<6}{r.assessed:>15}{r.collected:>15}"
            f"{r.outstanding:>15}  {rate}"
        )


@arrears_app.command("history")
def history(
    state: Annotated[str, typer.Argument(help="State code.")],
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
) -> None:
    """A State's outstanding and arrears at each year end."""
    from finance_core.arrears import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        points = service.history(
            session, state_code=state, as_at=as_at_of(as_at), known_at=known_at_of(known_at)
        )
    typer.echo(f"{'as at':<12}{'outstanding':>15}{'arrears':>15}")
    for p in points:
        typer.echo(f"{p.as_at.isoformat():<12}{p.outstanding:>15}{p.arrears:>15}")


@arrears_app.command("rule8")
def rule8(
    conference: Annotated[
        int | None, typer.Option("--conference", help="As at this CSP's opening (number).")
    ] = None,
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Financial Rule 8: States subject to the measures, exempt through a plan, and why."""
    from finance_core.arrears.rule8 import rule8 as compute
    from finance_core.arrears.rule8 import rule8_out

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = rule8_out(
            session,
            compute(
                session,
                as_at=None if conference is not None else as_at_of(as_at),
                conference_number=conference,
                known_at=known_at_of(known_at),
            ),
        )
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    where = f"{out.conference_name} opening on {out.as_at}" if out.conference else str(out.as_at)
    typer.echo(
        f"Rule 8 as at {where}: {out.subject} State(s) subject to the measures, "
        f"{out.exempt} exempt through a payment plan"
    )
    for i in out.items:
        mark = "SUBJECT" if i.subject else "exempt" if i.exempt else "-"
        typer.echo(f"  {i.state_code:<4}{mark:<8} {i.reason}")


@arrears_app.command("reminders")
def reminders_write(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the letters into.")],
    as_at: AsAtOption = None,
    known_at: KnownAtOption = None,
    state: Annotated[
        list[str] | None, typer.Option("--state", help="Only these States (repeatable).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en, fr or es.")] = "en",
    output_format: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
) -> None:
    """Write a reminder letter for each State in arrears (or the States named)."""
    from finance_core.arrears import service
    from reports import reminders
    from reports.i18n import Language

    try:
        language, fmt = Language(lang), reminders.ReminderFormat(output_format)
    except ValueError as exc:
        fail(str(exc))
    load_models()
    day, cutoff = as_at_of(as_at), known_at_of(known_at)
    with reasons(), transaction(read_only=True) as session:
        if state:
            codes = [s.upper() for s in state]
        else:
            report = service.aging(session, as_at=day, known_at=cutoff)
            codes = sorted(c for c, p in report.states.items() if p.arrears > 0)
        out.mkdir(parents=True, exist_ok=True)
        for i, code in enumerate(codes, start=1):
            letter = reminders.reminder_for(session, state_code=code, as_at=day, known_at=cutoff)
            path = out / f"{letter.filename_stem}-{language.value}.{fmt.value}"
            path.write_bytes(reminders.render(letter, language, fmt))
            typer.echo(f"[{i}/{len(codes)}] {letter.reference}: {path}")
    typer.echo(f"{len(codes)} reminder(s) written to {out}")


@arrears_app.command("rules")
def rules_list() -> None:
    """The dated arrears and Rule 8 rules."""
    from finance_core.arrears import rules

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = [rules.rule_out(r) for r in rules.list_rules(session)]
    for r in found:
        typer.echo(
            f"rule {r.id} from {r.effective_from}: arrears funds {','.join(r.arrears_funds)}, "
            f"trigger {r.trigger_years} year(s), measures {','.join(r.measures)}, plans up to "
            f"{r.plan_max_years} years, {r.plan_lead_days} days before a CSP, grace "
            f"{r.plan_grace_days} days — {r.reference}"
        )


@arrears_app.command("adopt-rule")
def rules_adopt(
    file: Annotated[Path, typer.Argument(help="JSON file (ArrearsRuleIn, see /docs).")],
) -> None:
    """Record an arrears rule adopted by a decision, from a JSON file."""
    from finance_core.arrears import rules
    from finance_core.arrears.schemas import ArrearsRuleIn

    load_models()
    data = read_json(file, ArrearsRuleIn)
    with reasons(), transaction() as session:
        rule = rules.adopt_rule(session, actor=cli_actor(), data=data)
        typer.echo(f"rule {rule.id} in force from {rule.effective_from}")


def _show_plan(plan_id: int, as_at: date | None = None) -> None:
    from finance_core.arrears import plans

    with reasons(), transaction(read_only=True) as session:
        out = plans.plan_out(session, plans.get_plan(session, plan_id), as_at=as_at)
    typer.echo(
        f"plan {out.id}: {out.state_name} ({out.state_code}), received {out.received_on} "
        f"({out.note_verbale}), total {out.total_outstanding} USD, ends {out.ends_on}, "
        f"{out.decision}"
        + (f" on {out.decided_on} ({out.decision_reference})" if out.decided_on else "")
    )
    if out.counts_for_reason:
        typer.echo(f"  counts from CSP{out.counts_for_conference or '?'}: {out.counts_for_reason}")
    for i in out.instalments:
        typer.echo(f"  {i.due_on}  {i.amount:>14} USD")
    c = out.compliance
    if c is not None:
        typer.echo(
            f"  as at {c.as_at}: {c.standing}; received {c.received}, due {c.instalments_due} "
            f"+ assessments {c.assessments_due}, shortfall {c.shortfall}"
            + (f", lapsed on {c.lapsed_on}" if c.lapsed_on else "")
            + (" — exempts the State" if c.exempts else "")
        )


@plans_app.command("apply")
def plans_apply(
    state: Annotated[str, typer.Option("--state", help="State code.")],
    received_on: Annotated[str, typer.Option("--received-on", help="Date the note arrived.")],
    note_verbale: Annotated[str, typer.Option("--note-verbale", help="Its reference.")],
    reasons_text: Annotated[str, typer.Option("--reasons", help="Reasons for non-payment.")],
    total: Annotated[str, typer.Option("--total", help="Total outstanding the State gives.")],
    instalment: Annotated[
        list[str], typer.Option("--instalment", help="DATE:AMOUNT, once per instalment.")
    ],
) -> None:
    """Record an application under Rule 8(1)(d) after checking it."""
    from finance_core.arrears import plans
    from finance_core.arrears.schemas import InstalmentIn, PaymentPlanIn

    load_models()
    parts: list[InstalmentIn] = []
    for item in instalment:
        day, sep, amount = item.partition(":")
        if not sep:
            fail(f"--instalment: {item!r} is not DATE:AMOUNT")
        parts.append(InstalmentIn(due_on=parse_day(day, "--instalment"), amount=amount))
    with reasons(), transaction() as session:
        plan = plans.apply_plan(
            session,
            actor=cli_actor(),
            data=PaymentPlanIn(
                state_code=state,
                received_on=parse_day(received_on, "--received-on"),
                note_verbale=note_verbale,
                reasons=reasons_text,
                total_outstanding=total,
                instalments=parts,
            ),
        )
        plan_id = plan.id or 0
    _show_plan(plan_id)


@plans_app.command("decide")
def plans_decide(
    plan_id: Annotated[int, typer.Argument(help="Plan id.")],
    on: Annotated[str, typer.Option("--on", help="Date of the Committee's decision.")],
    reference: Annotated[str, typer.Option("--reference", help="The decision's reference.")],
    approved: Annotated[
        bool, typer.Option("--approve/--reject", help="Approved or rejected.")
    ] = True,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record the Management Committee's decision on an application."""
    from finance_core.arrears import plans
    from finance_core.arrears.schemas import PlanDecisionIn

    load_models()
    with reasons(), transaction() as session:
        plans.decide_plan(
            session,
            actor=cli_actor(),
            plan_id=plan_id,
            data=PlanDecisionIn(
                approved=approved, decided_on=parse_day(on), reference=reference, note=note
            ),
        )
    _show_plan(plan_id)


@plans_app.command("show")
def plans_show(
    plan_id: Annotated[int, typer.Argument(help="Plan id.")], as_at: AsAtOption = None
) -> None:
    """A plan, its decision and its compliance as at a date."""
    load_models()
    _show_plan(plan_id, as_at_of(as_at))


@plans_app.command("list")
def plans_list(state: Annotated[str | None, typer.Option("--state")] = None) -> None:
    """Every plan, newest application first."""
    from finance_core.arrears import plans

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found, _total = plans.list_plans(session, state_code=state, limit=1000, offset=0)
        ids = [p.id or 0 for p in found]
    for plan_id in ids:
        _show_plan(plan_id)
