"""The demo data set: an illustrative, deterministic treaty history (States, membership,
CSP1–CSP11 and their registrations) and demo users, for trying the service. A database
that holds it is flagged ``dataset = demo``; it is never loaded over real data."""
