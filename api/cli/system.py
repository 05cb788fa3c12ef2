"""``attfin db``, ``attfin demo`` and ``attfin ledger``: the schema, the demo data set,
and the ledger's verification."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import fail, load_models, reasons
from finance_core.db import transaction

db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
demo_app = typer.Typer(no_args_is_help=True, help="The illustrative demo data set.")
ledger_app = typer.Typer(no_args_is_help=True, help="The ledger.")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (as the schema owner) up to REVISION."""
    from finance_core.migrate import upgrade

    with reasons():
        upgrade(revision)
    typer.echo(f"database at {revision}")


@demo_app.command("load")
def demo_load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (exit 0) unless the database is empty.")
    ] = False,
) -> None:
    """Load the illustrative demo data set (with its strategic plans and published
    reports) into an empty database."""
    from finance_core.actor import Actor
    from reports.demo import load_demo_with_reports
    from strategy.demo import database_is_empty

    load_models()
    with reasons():
        if if_empty:
            with transaction(read_only=True) as session:
                if not database_is_empty(session):
                    typer.echo("database is not empty: demo data not loaded")
                    return
        with transaction() as session:
            result = load_demo_with_reports(session, actor=Actor(name="demo", origin="demo loader"))
    typer.echo(result.summary())


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Recompute the hash chain and each entry's balance; exit 1 on any problem."""
    from finance_core.ledger.verify import verify_ledger

    load_models()
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
