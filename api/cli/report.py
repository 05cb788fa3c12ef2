"""``attfin report NAME``: any report of the catalogue as at ``(as_at, known_at)`` in
xlsx, csv, json, html or pdf, written to a file; with ``--publish``, frozen as a draft
snapshot in every format and language (a second finance officer publishes it with
``attfin publications approve``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import (
    as_at_of,
    fail,
    known_at_of,
    load_models,
    officer_named,
    parse_day,
    reasons,
)
from finance_core.db import transaction

NAMES = (
    "status-of-contributions, honour-roll, activity-spending, progress-report, "
    "committee-pack, trial-balance, general-ledger"
)


def report_command(
    name: Annotated[str, typer.Argument(help=f"The report: {NAMES}.")],
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Value-date cutoff (default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Recording cutoff, ISO timestamp (UTC).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv, json, html or pdf.")] = "xlsx",
    lang: Annotated[str, typer.Option("--lang", help="en, fr or es (xlsx, html, pdf).")] = "en",
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (required unless --publish).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Default: the year of --as-at.")
    ] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="A strategic plan's code.")] = None,
    from_on: Annotated[
        str | None, typer.Option("--from", help="First day of a ledger period.")
    ] = None,
    table: Annotated[str | None, typer.Option("--table", help="The csv's table.")] = None,
    publish: Annotated[
        bool, typer.Option("--publish", help="Freeze a draft snapshot instead of a file.")
    ] = False,
    reference: Annotated[
        str | None, typer.Option("--reference", help="The authority to publish (--publish).")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="The finance officer proposing (--publish).")
    ] = None,
) -> None:
    """Write a report to a file, or with --publish propose it for publication."""
    from finance_core.ledger.service import wait_for_postings
    from reports import service
    from reports.catalog import spec_of
    from reports.i18n import Language
    from reports.publish import file_count, propose_report
    from reports.render.formats import ReportFormat

    load_models()
    if fmt not in {f.value for f in ReportFormat}:
        fail(f"--format: {fmt!r} is not one of xlsx, csv, json, html, pdf")
    if lang not in {x.value for x in Language}:
        fail(f"--lang: {lang!r} is not one of en, fr, es")
    if publish and (not reference or not by):
        fail("--publish needs --reference (the authority) and --by (the officer proposing)")
    if not publish and out is None:
        fail("--out: the file to write is required")
    with reasons():
        spec_of(name)  # an unknown report fails before anything is read
        request = service.request_for(
            as_at=as_at_of(as_at),
            known_at=known_at_of(known_at),
            year=year,
            plan=plan,
            from_on=parse_day(from_on, "--from") if from_on else None,
        )
        with transaction(read_only=not publish) as session:
            typer.echo(f"building {name} as at {request.as_at} ...", err=True)
            if publish:
                wait_for_postings(session)  # what is being committed now belongs in it
            report = service.build(session, name, request)
            if publish:
                actor = officer_named(session, by or "")
                with typer.progressbar(
                    length=file_count(report), label="rendering", file=sys.stderr
                ) as bar:
                    snapshot = propose_report(
                        session,
                        actor=actor,
                        name=name,
                        request=request,
                        reference=reference or "",
                        progress=lambda _file: bar.update(1),
                        built=report,
                    )
                typer.echo(
                    f"snapshot {snapshot.id} proposed ({snapshot.kind} {snapshot.scope}); "
                    f"another finance officer publishes it with "
                    f"`attfin publications approve {snapshot.id} --by NAME`"
                )
                return
            typer.echo(f"rendering {fmt} ...", err=True)
            body, _ = service.render_file(report, ReportFormat(fmt), Language(lang), table=table)
        assert out is not None
        out.write_bytes(body)
    typer.echo(f"{out} ({len(body)} bytes)")
