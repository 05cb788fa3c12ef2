"""``attfin backup FILE`` and ``attfin restore FILE``: the configured database into one
file, and such a file back into an empty database, with the ledger verified after."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import load_models, reasons

if TYPE_CHECKING:
    from finance_core.backup import BackupFile


def _describe(done: BackupFile) -> None:
    """Print what a backup file is and holds, one fact a line."""
    contents = done.contents
    typer.echo(f"size: {done.size} bytes")
    typer.echo(f"sha256: {done.sha256}")
    typer.echo(f"chain head: entry {contents.head_seq} ({contents.head_hash})")
    typer.echo(f"entries: {contents.entries}")
    typer.echo(f"schema revision: {contents.revision}")


def backup_command(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Back up the configured database into FILE while the server runs.

    SQLite: a consistent copy through SQLite's online backup API.
    PostgreSQL: pg_dump --format=custom as the schema owner
    (ATTFIN_MIGRATION_DATABASE_URL, else ATTFIN_DATABASE_URL).
    FILE appears only once complete (refused if it exists, unless --force).
    Prints its size, SHA-256, the ledger's chain head and entry count, and
    the schema revision it holds."""
    from finance_core.backup import backup_database
    from finance_core.settings import get_settings

    load_models()
    settings = get_settings()
    with reasons():
        done = backup_database(
            app_url=settings.database_url,
            owner_url=settings.effective_migration_url,
            target=file,
            force=force,
        )
    typer.echo(f"backup written: {done.path} ({done.kind.label})")
    _describe(done)


def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup made by `attfin backup`.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a database that holds data (stop the server first)."),
    ] = False,
) -> None:
    """Restore FILE into the configured database; stop the server first.

    The database must be of FILE's kind and empty (no tables, or only what
    the migrations put there) unless --force.
    SQLite: the file is replaced in one rename (refused while a connection
    holds it; a backup whose ledger does not verify is not put in place).
    PostgreSQL: pg_restore in one transaction as the schema owner, then the
    application role's privileges as the migrations grant them (no UPDATE,
    DELETE or TRUNCATE of history).
    Then verifies the ledger: exit 1 if it fails."""
    from api.cli.system import ledger_verify
    from finance_core.backup import restore_database
    from finance_core.settings import get_settings

    load_models()
    settings = get_settings()
    with reasons():
        done = restore_database(
            app_url=settings.database_url,
            owner_url=settings.effective_migration_url,
            source=file,
            force=force,
        )
    source = done.source
    replaced = " (replacing the data it held)" if done.replaced else ""
    typer.echo(f"restored: {source.path} ({source.kind.label}){replaced}")
    _describe(source)
    if source.contents.revision != done.code_revision:
        typer.echo(
            f"note: this version of the service migrates to {done.code_revision}: "
            "run `attfin db upgrade`"
        )
    ledger_verify()
