"""The five-year strategic plan: goals, objectives, indicators, targets and actuals.

Depends on ``finance_core`` only; never imports FastAPI or ``api``."""
