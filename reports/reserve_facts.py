"""The reserve's headline figures (public once published: its balance and its target),
shared by the status of contributions and the Management Committee pack."""

from __future__ import annotations

import pandas as pd

from finance_core.reserve.service import Position
from reports.document import ColumnKind, Fact, plain, rate


def reserve_facts(reserve: Position) -> tuple[Fact, ...]:
    """The Working Capital Fund's balance and target (US cents) and the balance as a share
    of the target (hundredths of a percent; None without a target)."""
    target = reserve.target_minor
    funded = (
        plain(rate(pd.Series([reserve.balance_minor]), pd.Series([target])).iloc[0])
        if target
        else None
    )
    return (
        Fact("reserve_balance", "reserve.fact.balance", ColumnKind.MONEY, reserve.balance_minor),
        Fact("reserve_target", "reserve.fact.target", ColumnKind.MONEY, target),
        Fact("reserve_funded", "reserve.fact.funded", ColumnKind.RATE, funded),
    )
