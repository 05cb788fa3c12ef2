"""Conferences of States Parties (CSPs) and the States registered for each."""
