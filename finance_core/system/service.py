"""Database-wide flags."""

from __future__ import annotations

from sqlmodel import Session

from finance_core.system.models import SystemFlag

DATASET_FLAG = "dataset"
DEMO = "demo"


def get_flag(session: Session, key: str) -> str | None:
    """The flag's value, or None if unset."""
    flag = session.get(SystemFlag, key)
    return flag.value if flag else None


def set_flag(session: Session, key: str, value: str) -> None:
    """Set (or change) a flag."""
    flag = session.get(SystemFlag, key) or SystemFlag(key=key, value=value)
    flag.value = value
    session.add(flag)
    session.flush()


def is_demo(session: Session) -> bool:
    """Whether this database holds the illustrative demo data set."""
    return get_flag(session, DATASET_FLAG) == DEMO
