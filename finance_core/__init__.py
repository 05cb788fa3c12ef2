"""The money: States and membership, funds, the ledger, and (later) budgets, assessments,
payments, arrears, reserve and voluntary funds. Never imports FastAPI or ``api``."""
