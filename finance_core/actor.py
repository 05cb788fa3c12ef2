"""Who is acting: every write is attributed to an Actor."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from finance_core.access.models import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """The author of a write: a user (API) or an operator at the command line.

    ``origin`` says from where: ``"api 203.0.113.5"``, ``"cli host-user"``, ``"demo"``."""

    name: str
    origin: str
    user_id: int | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)

    def has_any(self, *roles: Role) -> bool:
        """Whether the actor holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))


def cli_actor() -> Actor:
    """The operator running a command-line command (trusted: has shell access)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"cli:{user}", origin=f"cli {user}", roles=frozenset(Role))
