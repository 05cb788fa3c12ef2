"""Expenditures and commitments against budget lines; budget vs commitments vs actual."""
