"""The demo's budgets and assessment runs, loaded on both databases."""

from __future__ import annotations

from datetime import date

from finance_core.assessments import service
from finance_core.assessments.models import RunKind
from finance_core.budgets import service as budgets
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.verify import verify_ledger
from tests.fixtures_demo import DemoCopy


def test_demo_runs_sum_exactly_and_explain_themselves(demo_copy: DemoCopy) -> None:
    s = demo_copy.session
    # assessed revenue per fund and year (receivables are partly paid by the demo receipts)
    revenue = {
        (b.fund, b.assessment_year): b.amount_minor
        for b in balances(
            s,
            as_at=date(2026, 12, 31),
            by=[BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
            account_type="assessed_revenue",
        )
    }
    checked = 0
    for budget in budgets.list_budgets(s):
        assert budget.id is not None
        runs = list(reversed(service.list_runs(s, budget_id=budget.id)))
        joined = {r.supplementary_state for r in runs if r.kind == RunKind.SUPPLEMENTARY}
        assert runs[0].kind == RunKind.INITIAL
        for run in runs:
            if run.kind == RunKind.SUPPLEMENTARY:
                continue
            _, lines = service.get_run(s, run.id or 0)
            version = next(
                v for v in budgets.versions(s, budget.id) if v.version.id == run.budget_version_id
            )
            base = sum(x.amount_minor for x in lines if x.state_code not in joined)
            assert base == version.to_assess_minor, (budget.fund_code, budget.year, run.kind)
            checked += 1
        last, lines = service.get_run(s, runs[-1].id or 0)
        assert -revenue[(budget.fund_code, budget.year)] == last.amount_minor
        for line in lines[:: max(1, len(lines) // 3)]:
            assert service.explain(s, run_id=last.id or 0, state_code=line.state_code).matches
    assert checked >= 24 + 11
    real_2018 = budgets.find_budget(s, fund_code="SEC", year=2018)
    assert real_2018.id is not None
    current = budgets.in_force(s, real_2018.id, date(2018, 12, 31))
    assert current is not None
    assert (current.total_minor, current.to_assess_minor) == (97_592_700, 70_555_700)
    owed = {
        b.state: b.amount_minor
        for b in balances(
            s, as_at=date(2026, 9, 30), by=[BalanceDim.STATE], account_type="receivable"
        )
    }
    held = {
        b.state: -b.amount_minor
        for b in balances(
            s, as_at=date(2026, 9, 30), by=[BalanceDim.STATE], account_type="state_credit"
        )
    }
    assert not [c for c, v in held.items() if v > 0 and owed.get(c, 0) > 0]  # credit is used
    assert verify_ledger(s).ok
