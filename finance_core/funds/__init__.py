"""Funds: the Secretariat (general) fund, the CSP fund, the reserve, voluntary funds."""
