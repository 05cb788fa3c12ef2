"""The ``attfin`` command line. Every command exits non-zero with a one-line reason on
failure, and never prompts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from finance_core.actor import cli_actor
from finance_core.db import transaction
from finance_core.errors import DomainError
from finance_core.settings import get_settings

ModelT = TypeVar("ModelT", bound=BaseModel)

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ATT finance service.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
users_app = typer.Typer(no_args_is_help=True, help="Users and API tokens.")
states_app = typer.Typer(no_args_is_help=True, help="States and membership.")
demo_app = typer.Typer(no_args_is_help=True, help="The illustrative demo data set.")
ledger_app = typer.Typer(no_args_is_help=True, help="The ledger.")
assess_app = typer.Typer(no_args_is_help=True, help="Assessed contributions.")
budgets_app = typer.Typer(no_args_is_help=True, help="Budgets and methodology versions.")
for sub, name in (
    (db_app, "db"),
    (users_app, "users"),
    (states_app, "states"),
    (demo_app, "demo"),
    (ledger_app, "ledger"),
    (assess_app, "assess"),
    (budgets_app, "budgets"),
):
    app.add_typer(sub, name=name)


def fail(reason: str) -> NoReturn:
    """Print a one-line reason to stderr and exit 1."""
    typer.echo(f"error: {reason}".splitlines()[0], err=True)
    raise typer.Exit(1)


@contextmanager
def reasons() -> Iterator[None]:
    """Turn domain and database errors into a one-line reason and exit 1."""
    try:
        yield
    except DomainError as exc:
        fail(exc.detail + (f" ({next(iter(exc.fields.items()))})" if exc.fields else ""))
    except SQLAlchemyError as exc:
        fail(f"database: {getattr(exc, 'orig', None) or exc}")
    except OSError as exc:
        fail(str(exc))


def _models() -> None:
    import finance_core.models  # noqa: F401


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (as the schema owner) up to REVISION."""
    from finance_core.migrate import upgrade

    with reasons():
        upgrade(revision)
    typer.echo(f"database at {revision}")


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Option("--name", help="Unique user name.")],
    role: Annotated[
        list[str], typer.Option("--role", help="committee, finance_officer, admin; repeatable.")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a sign-in password from stdin.")
    ] = False,
) -> None:
    """Create a user; the new token alone is printed on the last line."""
    from finance_core.access import service

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("--password-stdin given but stdin held no password")
    _models()
    with reasons(), transaction() as session:
        user, token = service.create_user(
            session, actor=cli_actor(), name=name, roles=role, password=password
        )
    typer.echo(f"created user {user.name} with roles {user.roles}")
    typer.echo(token)


@users_app.command("set-password")
def users_set_password(
    name: Annotated[str, typer.Option("--name")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = True,
) -> None:
    """Set a user's sign-in password, read from stdin (never prompts)."""
    from finance_core.access import service

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    if not password:
        fail("no password on stdin")
    _models()
    with reasons(), transaction() as session:
        service.set_password(session, actor=cli_actor(), name=name, password=password)
    typer.echo(f"password set for {name}")


@users_app.command("list")
def users_list() -> None:
    """List users and their roles."""
    from finance_core.access import service

    _models()
    with reasons(), transaction(read_only=True) as session:
        for user in service.list_users(session):
            state = "disabled" if user.disabled_at else "active"
            typer.echo(f"{user.name}\t{user.roles}\t{state}")


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument()]) -> None:
    """Issue a new token for NAME; the token alone is printed on the last line."""
    from finance_core.access import service
    from finance_core.audit import service as audit

    _models()
    with reasons(), transaction() as session:
        user = service.get_user(session, name)
        token = service.issue_token(session, user=user)
        audit.record(
            session, actor=cli_actor(), action="users.token", object_type="user", object_id=name
        )
    typer.echo(token)


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument()]) -> None:
    """Revoke every token of NAME."""
    from finance_core.access import service

    _models()
    with reasons(), transaction() as session:
        count = service.revoke_tokens(session, actor=cli_actor(), name=name)
    typer.echo(f"revoked {count} token(s) of {name}")


@states_app.command("import")
def states_import(file: Annotated[Path, typer.Argument(help="CSV or XLSX file.")]) -> None:
    """Import States and membership: every row valid, or nothing written."""
    from finance_core.states.importer import import_states

    _models()
    with reasons():
        content = file.read_bytes()
        with transaction() as session:
            result = import_states(session, actor=cli_actor(), content=content, filename=file.name)
    typer.echo(
        f"{result.rows} rows: {result.states_created} States created, "
        f"{result.states_updated} updated, {result.events_added} membership events added"
    )


@demo_app.command("load")
def demo_load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (exit 0) unless the database is empty.")
    ] = False,
) -> None:
    """Load the illustrative demo data set into an empty database."""
    from finance_core.actor import Actor
    from finance_core.demo.loader import database_is_empty, load_demo

    _models()
    with reasons():
        if if_empty:
            with transaction(read_only=True) as session:
                if not database_is_empty(session):
                    typer.echo("database is not empty: demo data not loaded")
                    return
        with transaction() as session:
            result = load_demo(session, actor=Actor(name="demo", origin="demo loader"))
    typer.echo(result.summary())


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Recompute the hash chain and each entry's balance; exit 1 on any problem."""
    from finance_core.ledger.verify import verify_ledger

    _models()
    with reasons(), transaction(read_only=True) as session:
        report = verify_ledger(
            session, progress=lambda n: typer.echo(f"checked {n} entries…", err=True)
        )
    if report.ok:
        typer.echo(
            f"ledger ok: {report.entries_checked} entries, {report.postings_checked} postings"
        )
        return
    for problem in report.problems:
        typer.echo(f"{problem.kind}: {problem.message}", err=True)
    first = report.problems[0]
    fail(f"ledger verification failed at entry {first.seq}: {first.message}")


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


def _read_json(path: Path, model: type[ModelT]) -> ModelT:
    """A JSON file validated as ``model``; a bad file fails with one line naming the field."""
    from pydantic import ValidationError

    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{path.name}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    except OSError as exc:
        fail(str(exc))


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

    data = _read_json(file, BudgetIn)
    _models()
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

    data = _read_json(file, VersionIn)
    _models()
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

    _models()
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

    data = _read_json(file, MethodologyIn)
    _models()
    with reasons(), transaction() as session:
        version = methodology.adopt(session, actor=cli_actor(), data=data)
    typer.echo(f"methodology {version.id}: {version.fund_code} from {version.effective_from_year}")


def _budget_id(fund: str, year: int) -> int:
    from finance_core.budgets.service import find_budget

    with reasons(), transaction(read_only=True) as session:
        budget = find_budget(session, fund_code=fund, year=year)
    assert budget.id is not None
    return budget.id


Fund = Annotated[str, typer.Option("--fund", help="Fund code, e.g. SEC or CSP.")]
Year = Annotated[int, typer.Option("--year", help="Financial year.")]
On = Annotated[str, typer.Option("--on", help="Date of the run (YYYY-MM-DD).")]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--on: {text!r} is not a date (YYYY-MM-DD)")


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

    _models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.assess(session, actor=cli_actor(), budget_id=budget_id, run_on=_day(on))
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

    _models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.assess_supplementary(
            session, actor=cli_actor(), budget_id=budget_id, state_code=state, run_on=_day(on)
        )
    _report_run(run.id or 0)


@assess_app.command("reassess-csp")
def assess_reassess_csp(fund: Fund, year: Year, on: On) -> None:
    """Re-assess a CSP budget on the States registered for that year's CSP."""
    from finance_core.assessments import service

    _models()
    budget_id = _budget_id(fund, year)
    with reasons(), transaction() as session:
        run = service.reassess_csp(session, actor=cli_actor(), budget_id=budget_id, run_on=_day(on))
    _report_run(run.id or 0)


@assess_app.command("explain")
def assess_explain(
    run: Annotated[int, typer.Option("--run", help="Assessment run id.")],
    state: Annotated[str, typer.Option("--state", help="State code.")],
) -> None:
    """Recompute a State's stored amount from the methodology and inputs."""
    from finance_core.assessments import service
    from finance_core.money import format_minor

    _models()
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
    _models()
    with reasons(), transaction(read_only=True) as session:
        notice = notices.notice_for(session, run_id=run, state_code=state)
        out.write_bytes(notices.render(notice, language, fmt))
    typer.echo(f"notice {notice.reference} ({language.value}, {fmt.value}): {out}")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Serve the API (never loads demo data)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )


def main() -> None:
    """Entry point of ``attfin``."""
    app()
