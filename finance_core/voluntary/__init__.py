"""Voluntary funds (the Voluntary Trust Fund, the Sponsorship Programme, named projects):
donors, pledges, receipts matched to pledges, projects, sponsored delegates,
disbursements, and where each donor's money went."""
