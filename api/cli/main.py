"""The ``attfin`` command line. Every command exits non-zero with a one-line reason on
failure, and never prompts."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.annual_updates import annual_update_app
from api.cli.arrears import arrears_app, plans_app
from api.cli.assess import assess_app
from api.cli.backup import backup_command, restore_command
from api.cli.budgets import budgets_app
from api.cli.close import close_app
from api.cli.expenditures import commitments_app, expenditures_app
from api.cli.forecast import forecast_command, spending_plan_app
from api.cli.plan_workbook import plan_workbook_app
from api.cli.publications import publications_app
from api.cli.receipts import credit_app, rates_app, receipts_app
from api.cli.report import report_command
from api.cli.reserve import reserve_app
from api.cli.states import states_app
from api.cli.strategy import strategy_app
from api.cli.system import db_app, demo_app, ledger_app
from api.cli.users import users_app
from api.cli.voluntary import (
    donors_app,
    pledges_app,
    projects_app,
    sponsorships_app,
    voluntary_app,
)
from finance_core.settings import get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ATT finance service.")
for sub, name in (
    (db_app, "db"),
    (users_app, "users"),
    (states_app, "states"),
    (demo_app, "demo"),
    (ledger_app, "ledger"),
    (assess_app, "assess"),
    (budgets_app, "budgets"),
    (receipts_app, "receipts"),
    (rates_app, "rates"),
    (credit_app, "credit"),
    (arrears_app, "arrears"),
    (plans_app, "plans"),
    (expenditures_app, "expenditures"),
    (commitments_app, "commitments"),
    (spending_plan_app, "spending-plan"),
    (reserve_app, "reserve"),
    (close_app, "close"),
    (donors_app, "donors"),
    (pledges_app, "pledges"),
    (voluntary_app, "voluntary"),
    (projects_app, "projects"),
    (sponsorships_app, "sponsorships"),
    (publications_app, "publications"),
    (annual_update_app, "annual-update"),
    (strategy_app, "strategy"),
    (plan_workbook_app, "plan-workbook"),
):
    app.add_typer(sub, name=name)
app.command("forecast")(forecast_command)
app.command("report")(report_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (they share nothing but the database).")
    ] = 1,
) -> None:
    """Serve the API (never loads demo data)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="info",
    )


def main() -> None:
    """Entry point of ``attfin``."""
    app()
