"""What every command shares: one-line failures, domain errors turned into reasons,
JSON input files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from finance_core.errors import DomainError

ModelT = TypeVar("ModelT", bound=BaseModel)


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
