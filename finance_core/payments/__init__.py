"""Payments from States: receipts, their allocation to what is owed, credits, reversals."""
