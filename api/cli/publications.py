"""``attfin publications``: frozen snapshots (proposed by the domains that publish),
their approval by a second finance officer, the withdrawal of a draft, verification and
the download of their files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import ByOption, fail, load_models, officer_named, reasons
from finance_core.db import transaction

if TYPE_CHECKING:
    from finance_core.publication.schemas import SnapshotOut

publications_app = typer.Typer(
    no_args_is_help=True,
    help="Published snapshots: list, show, approve, withdraw, verify, download.",
)

IdArgument = Annotated[int, typer.Argument(help="The snapshot.")]


def _print(out: SnapshotOut) -> None:
    typer.echo(
        f"snapshot {out.id}: {out.kind} {out.scope} {out.status} (proposed by {out.author}"
        + (f", approved by {out.approver}" if out.approver else "")
        + (f", withdrawn by {out.withdrawn_by}" if out.withdrawn_by else "")
        + (f", superseded by {out.superseded_by}" if out.superseded_by else "")
        + ")"
    )
    typer.echo(f"  {out.title}" + (f" [{out.language}]" if out.language else ""))
    typer.echo(f"  as at {out.as_at}, known at {out.known_at.isoformat()}")
    head = f"{out.chain_head_seq} {out.chain_head_hash}" if out.chain_head_seq else "none"
    typer.echo(f"  ledger chain head {head}")
    typer.echo(f"  content {out.content_hash}; reference {out.reference}")
    for f in out.files:
        typer.echo(f"  file {f.name} ({f.media_type}, {f.size} bytes) sha256 {f.sha256}")


@publications_app.command("list")
def list_publications(
    kind: Annotated[str | None, typer.Option("--kind")] = None,
    scope: Annotated[str | None, typer.Option("--scope")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="draft, published, superseded or withdrawn.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
) -> None:
    """Snapshots, latest first."""
    from finance_core.publication import service
    from finance_core.publication.models import SnapshotStatus

    load_models()
    try:
        wanted = SnapshotStatus(status) if status else None
    except ValueError:
        fail("--status: draft, published, superseded or withdrawn")
    with reasons(), transaction(read_only=True) as session:
        items, total = service.list_snapshots(
            session, kind=kind, scope=scope, status=wanted, limit=limit, offset=offset
        )
    for s in items:
        typer.echo(f"{s.id}\t{s.kind}\t{s.scope}\t{s.status}\t{s.as_at}\t{s.title}")
    typer.echo(f"{len(items)} of {total}")


@publications_app.command("show")
def show(
    snapshot_id: IdArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, data included.")] = False,
) -> None:
    """One snapshot: status, cutoffs, chain head, hashes, files."""
    from finance_core.publication import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = service.snapshot_detail(session, service.get(session, snapshot_id))
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    _print(out)


@publications_app.command("approve")
def approve(
    snapshot_id: IdArgument,
    by: ByOption,
    reference: Annotated[
        str | None, typer.Option("--reference", help="The approval's reference.")
    ] = None,
) -> None:
    """Publish a draft as a finance officer other than its author."""
    from finance_core.publication import service

    load_models()
    with reasons(), transaction() as session:
        snapshot = service.approve(
            session, actor=officer_named(session, by), snapshot_id=snapshot_id, reference=reference
        )
        out = service.snapshot_out(session, snapshot)
    _print(out)


@publications_app.command("withdraw")
def withdraw(
    snapshot_id: IdArgument,
    by: ByOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it will not be published.")],
) -> None:
    """Withdraw a draft that will not be published."""
    from finance_core.publication import service

    load_models()
    with reasons(), transaction() as session:
        snapshot = service.withdraw(
            session, actor=officer_named(session, by), snapshot_id=snapshot_id, reason=reason
        )
        out = service.snapshot_out(session, snapshot)
    _print(out)


@publications_app.command("verify")
def verify(snapshot_id: IdArgument) -> None:
    """Recompute the content hash from the stored data and files (exit 1 on a mismatch)."""
    from finance_core.publication import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        out = service.verify(session, snapshot_id)
    if not out.ok:
        for problem in out.problems[1:]:
            typer.echo(f"  {problem}", err=True)
        fail(f"snapshot {snapshot_id}: {out.problems[0]}")
    typer.echo(f"snapshot {snapshot_id}: ok, content {out.content_hash}")


@publications_app.command("download")
def download(
    snapshot_id: IdArgument,
    name: Annotated[str, typer.Argument(help="The file's name.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write it (default: ./NAME).")
    ] = None,
) -> None:
    """Write a snapshot's file exactly as frozen (an existing file is not overwritten)."""
    from finance_core.publication import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        found = service.file_of(session, snapshot_id, name)
        content, sha256 = found.content, found.sha256
    if hashlib.sha256(content).hexdigest() != sha256:
        fail(f"{name}: the stored bytes do not match their SHA-256 {sha256}")
    target = out or Path(name)
    with reasons(), target.open("xb") as handle:
        handle.write(content)
    typer.echo(f"{target} {len(content)} bytes sha256 {sha256}")
