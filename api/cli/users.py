"""``attfin users``: users, roles, tokens and passwords."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.common import fail, load_models, reasons
from finance_core.actor import cli_actor
from finance_core.db import transaction

users_app = typer.Typer(no_args_is_help=True, help="Users and API tokens.")


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
    load_models()
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
    load_models()
    with reasons(), transaction() as session:
        service.set_password(session, actor=cli_actor(), name=name, password=password)
    typer.echo(f"password set for {name}")


@users_app.command("list")
def users_list() -> None:
    """List users and their roles."""
    from finance_core.access import service

    load_models()
    with reasons(), transaction(read_only=True) as session:
        for user in service.list_users(session):
            state = "disabled" if user.disabled_at else "active"
            typer.echo(f"{user.name}\t{user.roles}\t{state}")


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument()]) -> None:
    """Issue a new token for NAME; the token alone is printed on the last line."""
    from finance_core.access import service
    from finance_core.audit import service as audit

    load_models()
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

    load_models()
    with reasons(), transaction() as session:
        count = service.revoke_tokens(session, actor=cli_actor(), name=name)
    typer.echo(f"revoked {count} token(s) of {name}")
