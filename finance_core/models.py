"""Every table, imported in one place so that ``SQLModel.metadata`` is complete."""

from finance_core.access.models import ApiToken, User
from finance_core.arrears.models import ArrearsRule, PaymentPlan, PlanInstalment
from finance_core.assessments.models import AssessmentLine, AssessmentRun, MethodologyVersion
from finance_core.audit.models import AuditEvent
from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount, BudgetVersion
from finance_core.close.models import SurplusCredit, SurplusDecision, YearClose
from finance_core.conferences.models import Conference, Registration
from finance_core.expenditures.models import (
    Commitment,
    CommitmentCancellation,
    Expenditure,
    ExpenditureReversal,
    ExpenditureUsdConfirmation,
)
from finance_core.forecast.models import SpendingPlan
from finance_core.funds.models import Fund
from finance_core.idempotency.models import IdempotencyRecord
from finance_core.ledger.models import (
    ClosedPeriod,
    JournalEntry,
    LedgerAccount,
    LedgerChainHead,
    LedgerPosting,
)
from finance_core.payments.models import (
    AllocationPolicy,
    CreditUse,
    CreditUseLine,
    ExchangeRate,
    Receipt,
    ReceiptAllocation,
    ReceiptReversal,
    UsdConfirmation,
)
from finance_core.publication.models import (
    Snapshot,
    SnapshotApproval,
    SnapshotFile,
    SnapshotWithdrawal,
)
from finance_core.reserve.models import ReserveMovement, ReserveTargetRule
from finance_core.states.models import LdcPeriod, MembershipEvent, ScaleRate, State
from finance_core.system.models import SystemFlag
from finance_core.voluntary.models import (
    Disbursement,
    DisbursementReversal,
    DisbursementUsdConfirmation,
    Donor,
    Pledge,
    PledgeWithdrawal,
    Project,
    ProjectReport,
    ReceiptPledgeMatch,
    Sponsorship,
    VoluntaryReceipt,
    VoluntaryReceiptReversal,
    VoluntaryReceiptUsdConfirmation,
)

__all__ = [
    "AllocationPolicy",
    "ApiToken",
    "ArrearsRule",
    "AssessmentLine",
    "AssessmentRun",
    "AuditEvent",
    "Budget",
    "BudgetLine",
    "BudgetLineAmount",
    "BudgetVersion",
    "ClosedPeriod",
    "Commitment",
    "CommitmentCancellation",
    "Conference",
    "CreditUse",
    "CreditUseLine",
    "Disbursement",
    "DisbursementReversal",
    "DisbursementUsdConfirmation",
    "Donor",
    "ExchangeRate",
    "Expenditure",
    "ExpenditureReversal",
    "ExpenditureUsdConfirmation",
    "Fund",
    "IdempotencyRecord",
    "JournalEntry",
    "LdcPeriod",
    "LedgerAccount",
    "LedgerChainHead",
    "LedgerPosting",
    "MembershipEvent",
    "MethodologyVersion",
    "PaymentPlan",
    "PlanInstalment",
    "Pledge",
    "PledgeWithdrawal",
    "Project",
    "ProjectReport",
    "Receipt",
    "ReceiptAllocation",
    "ReceiptPledgeMatch",
    "ReceiptReversal",
    "Registration",
    "ReserveMovement",
    "ReserveTargetRule",
    "ScaleRate",
    "Snapshot",
    "SnapshotApproval",
    "SnapshotFile",
    "SnapshotWithdrawal",
    "SpendingPlan",
    "Sponsorship",
    "State",
    "SurplusCredit",
    "SurplusDecision",
    "SystemFlag",
    "UsdConfirmation",
    "User",
    "VoluntaryReceipt",
    "VoluntaryReceiptReversal",
    "VoluntaryReceiptUsdConfirmation",
    "YearClose",
]
