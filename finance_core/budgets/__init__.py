"""Budgets adopted by the CSP: per fund and year, activity-based lines, revisions."""
