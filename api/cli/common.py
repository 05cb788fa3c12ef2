"""What every command shares: one-line failures, domain errors turned into reasons,
JSON input files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from finance_core.errors import DomainError

if TYPE_CHECKING:
    from sqlmodel import Session

    from finance_core.actor import Actor

ModelT = TypeVar("ModelT", bound=BaseModel)

#: ``--by NAME``: the finance officer acting, where a second person must approve.
ByOption = Annotated[
    str, typer.Option("--by", help="The finance officer (user name) acting: maker-checker.")
]


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
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{'.'.join(str(p) for p in first['loc']) or 'input'}: {first['msg']}")
    except SQLAlchemyError as exc:
        fail(f"database: {getattr(exc, 'orig', None) or exc}")
    except OSError as exc:
        fail(str(exc))


def load_models() -> None:
    """Register every table (commands import services lazily, for a fast start)."""
    import finance_core.models  # noqa: F401
    import strategy.models  # noqa: F401


def read_json(path: Path, model: type[ModelT]) -> ModelT:
    """A JSON file validated as ``model``; a bad file fails with one line naming the field."""
    from pydantic import ValidationError

    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{path.name}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    except OSError as exc:
        fail(str(exc))


def parse_day(text: str, option: str = "--on") -> date:
    """A date given on the command line, or a one-line failure."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")


def officer_named(session: Session, name: str) -> Actor:
    """The named user as the actor, if an active finance officer (else exit 1)."""
    import getpass

    from finance_core.access.models import Role
    from finance_core.access.service import get_user
    from finance_core.actor import Actor

    user = get_user(session, name)
    if user.disabled_at is not None or Role.FINANCE_OFFICER not in user.role_set:
        fail(f"--by: {name} is not an active finance officer")
    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = "unknown"
    return Actor(name=user.name, origin=f"cli {operator}", user_id=user.id, roles=user.role_set)


def as_at_of(text: str | None) -> date:
    """``--as-at`` or today."""
    from finance_core.db_types import utctoday

    return parse_day(text, "--as-at") if text else utctoday()


def known_at_of(text: str | None) -> datetime | None:
    """``--known-at`` as a UTC timestamp (a time without zone is UTC), or None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--known-at: {text!r} is not a timestamp (e.g. 2025-01-31T00:00:00Z)")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
