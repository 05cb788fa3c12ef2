"""``attfin states``: importing States and membership."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import load_models, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

states_app = typer.Typer(no_args_is_help=True, help="States and membership.")


@states_app.command("import")
def states_import(file: Annotated[Path, typer.Argument(help="CSV or XLSX file.")]) -> None:
    """Import States and membership: every row valid, or nothing written."""
    from finance_core.states.importer import import_states

    load_models()
    with reasons():
        content = file.read_bytes()
        with transaction() as session:
            result = import_states(session, actor=cli_actor(), content=content, filename=file.name)
    typer.echo(
        f"{result.rows} rows: {result.states_created} States created, "
        f"{result.states_updated} updated, {result.events_added} membership events added"
    )
