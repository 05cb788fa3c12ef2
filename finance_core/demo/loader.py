"""Loading the demo data set into an empty database (the caller commits)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from finance_core.access import service as access
from finance_core.access.models import User
from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.conferences import service as conferences
from finance_core.conferences.models import Conference
from finance_core.demo import dataset
from finance_core.demo.close import DemoClose, load_close
from finance_core.demo.expenditures import DemoExpenditures, load_expenditures
from finance_core.demo.finance import DemoFinance, load_finance
from finance_core.demo.payments import DemoPayments, load_payments
from finance_core.demo.plans import DemoPlans, load_plans
from finance_core.demo.voluntary import DemoVoluntary, load_voluntary
from finance_core.errors import Conflict
from finance_core.ledger.models import JournalEntry
from finance_core.reference.loader import ReferenceResult, load_reference
from finance_core.states import service as states
from finance_core.states.models import MembershipEvent, State
from finance_core.system import service as system

#: Tables whose rows mean the database holds data of its own.
_GUARDED_TABLES: tuple[type[SQLModel], ...] = (
    State,
    MembershipEvent,
    Conference,
    JournalEntry,
    User,
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What ``load_demo`` added, and the demo users' API tokens and sign-in passwords
    (user name → token, user name → password)."""

    reference: ReferenceResult
    membership_events: int
    conferences: int
    registrations: dict[int, int]
    finance: DemoFinance
    payments: DemoPayments
    plans: DemoPlans
    expenditures: DemoExpenditures
    voluntary: DemoVoluntary
    close: DemoClose
    tokens: dict[str, str]
    passwords: dict[str, str]

    def summary(self, *, also: Sequence[str] = ()) -> str:
        """What was loaded (and the lines ``also``, from loaders run after this one),
        then one line per demo user with its password, then with its token (shown once)."""
        lines = [
            "loaded the illustrative demo data set: "
            f"{self.reference.states} States, {self.membership_events} membership events, "
            f"{self.conferences} CSPs, {sum(self.registrations.values())} registrations, "
            f"{self.finance.budgets} budgets, {self.finance.runs} assessment runs, "
            f"{self.payments.receipts + self.plans.receipts} receipts "
            f"({self.payments.reversed} reversed), {self.plans.applications} Rule 8(1)(d) "
            f"payment plans ({self.plans.approved} approved, {self.plans.rejected} rejected), "
            f"{self.expenditures.expenditures} expenditures and "
            f"{self.expenditures.commitments} commitments, "
            f"{self.close.closes} year-end closes with {self.close.decisions} surplus "
            f"decisions, {self.close.movements} reserve movements, "
            f"{self.voluntary.donors} donors with {self.voluntary.pledges} pledges "
            f"({self.voluntary.withdrawn} withdrawn) and {self.voluntary.receipts} voluntary "
            f"receipts, {self.voluntary.projects} VTF projects, "
            f"{self.voluntary.sponsorships} sponsored delegates, "
            f"{self.voluntary.disbursements} disbursements",
            *also,
            "demo sign-in at /app, user name and password (shown once):",
            *(f"  {name}: {password}" for name, password in sorted(self.passwords.items())),
            "demo API tokens (shown once; paste one under Authorize at /docs):",
        ]
        lines += [f"  {name}: {token}" for name, token in sorted(self.tokens.items())]
        return "\n".join(lines)


def database_is_empty(session: Session) -> bool:
    """Whether the database holds no data at all (neither the demo nor its own)."""
    return not system.is_demo(session) and not _holds_data(session)


def _holds_data(session: Session) -> bool:
    for table in _GUARDED_TABLES:
        if session.execute(select(table).limit(1)).first() is not None:
            return True
    return False


def load_demo(session: Session, *, actor: Actor) -> DemoResult:
    """Load the demo data set into a database that holds no other data.

    Raises Conflict if the demo data set is already loaded, or if the database holds
    States, membership events, CSPs, journal entries or users of its own."""
    if system.is_demo(session):
        raise Conflict("the demo data set is already loaded")
    if _holds_data(session):
        raise Conflict(
            "the database already holds data of its own, so the demo data set "
            "cannot be loaded into it"
        )
    reference = load_reference(session, actor=actor)
    system.set_flag(session, system.DATASET_FLAG, system.DEMO)

    events = dataset.membership_events()
    for event in events:
        states.add_event(
            session,
            actor=actor,
            state_code=event.code,
            data=event.data,
            recorded_at=event.recorded_at,
        )

    registered: dict[int, int] = {}
    for conference in dataset.CONFERENCES:
        conferences.create_conference(session, actor=actor, data=conference)
        registered[conference.number] = conferences.register_states(
            session,
            actor=actor,
            number=conference.number,
            registrations=dataset.registrations(conference),
        )

    finance = load_finance(session, actor=actor)
    payments = load_payments(session, actor=actor)
    plans = load_plans(session, actor=actor)
    expenditures = load_expenditures(session, actor=actor)
    # Closing 2015–2024 refuses every later posting dated in those years: this comes
    # after every loader that posts into the Secretariat and CSP funds.
    close = load_close(session, actor=actor)
    # The voluntary funds have no closed years; their sponsored delegates are chosen
    # from the arrears as they stand once the closes' credits are applied.
    voluntary = load_voluntary(session, actor=actor)

    tokens: dict[str, str] = {}
    passwords: dict[str, str] = {}
    for name, role in dataset.DEMO_USERS:
        passwords[name] = secrets.token_urlsafe(12)
        _user, tokens[name] = access.create_user(
            session, actor=actor, name=name, roles=[role.value], password=passwords[name]
        )

    result = DemoResult(
        reference=reference,
        membership_events=len(events),
        conferences=len(dataset.CONFERENCES),
        registrations=registered,
        finance=finance,
        payments=payments,
        plans=plans,
        expenditures=expenditures,
        voluntary=voluntary,
        close=close,
        tokens=tokens,
        passwords=passwords,
    )
    audit.record(
        session,
        actor=actor,
        action="demo.load",
        object_type="dataset",
        object_id=system.DEMO,
        detail={
            "demo_date": dataset.DEMO_DATE.isoformat(),
            "states": reference.states,
            "membership_events": result.membership_events,
            "conferences": result.conferences,
            "registrations": sum(registered.values()),
            "payment_plans": plans.applications,
            "users": sorted(tokens),
        },
    )
    return result
