"""Columns several reports share."""

from __future__ import annotations

from reports.document import Column, ColumnKind

#: A fund by its name in the report's language (tables with a row or two per fund).
FUND_NAME = Column("fund", "col.fund", ColumnKind.LABEL, labels="fund.", width=24)
#: A fund by its code (long tables, where a name on every row would crowd the page).
FUND_CODE = Column("fund", "col.fund", width=7)
STATE_CODE = Column("state_code", "col.state_code", width=7)
STATE_NAME = Column("state_name", "col.state_name", width=30)
