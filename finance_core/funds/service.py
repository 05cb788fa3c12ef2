"""Creating and listing funds; every fund gets one ledger account of each type."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.errors import Conflict, NotFound
from finance_core.funds.models import Fund, FundCreate
from finance_core.ledger.models import AccountType, LedgerAccount


def account_code(fund_code: str, account_type: AccountType) -> str:
    """The code of a fund's account of a type, e.g. ``SEC.receivable``."""
    return f"{fund_code}.{account_type.value}"


def ensure_accounts(session: Session, fund: Fund) -> list[LedgerAccount]:
    """Create whichever of the fund's accounts (one per AccountType) are missing."""
    existing = {
        a.account_type
        for a in session.execute(
            select(LedgerAccount).where(col(LedgerAccount.fund_code) == fund.code)
        ).scalars()
    }
    created = []
    for account_type in AccountType:
        if account_type in existing:
            continue
        account = LedgerAccount(
            code=account_code(fund.code, account_type),
            fund_code=fund.code,
            account_type=account_type,
            name=f"{fund.name}: {account_type.value.replace('_', ' ')}",
        )
        session.add(account)
        created.append(account)
    session.flush()
    return created


def create_fund(session: Session, *, actor: Actor, data: FundCreate) -> Fund:
    """Add a fund with its accounts."""
    if session.get(Fund, data.code) is not None:
        raise Conflict(f"fund {data.code} already exists")
    if session.execute(select(Fund).where(col(Fund.name) == data.name)).first():
        raise Conflict(f"a fund named {data.name!r} already exists")
    fund = Fund(code=data.code, name=data.name, kind=data.kind)
    session.add(fund)
    session.flush()
    ensure_accounts(session, fund)
    audit.record(
        session,
        actor=actor,
        action="funds.create",
        object_type="fund",
        object_id=fund.code,
        detail=data.model_dump(mode="json"),
    )
    return fund


def list_funds(session: Session) -> list[Fund]:
    """Every fund, by code."""
    return list(session.execute(select(Fund).order_by(col(Fund.code))).scalars())


def get_fund(session: Session, code: str) -> Fund:
    """One fund or NotFound."""
    fund = session.get(Fund, code)
    if fund is None:
        raise NotFound(f"fund {code} does not exist")
    return fund
