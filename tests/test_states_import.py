"""Importing States and membership: every row valid, or nothing written."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import ValidationFailed
from finance_core.states import service
from finance_core.states.importer import import_states
from finance_core.states.membership import Status
from finance_core.states.models import LdcPeriod, MembershipEvent, State

GOOD = (
    "code,name,un_member,regional_group,signed_on,deposited_on,instrument,ldc_from\n"
    "FRA,France,true,Western European and Others Group,2013-06-03,2014-04-02,ratification,\n"
    "CHN,China,true,Asia-Pacific Group,,2020-07-06,accession,\n"
    "USA,United States of America,true,Western European and Others Group,2013-09-25,,,\n"
    "PSE,State of Palestine,false,,,2017-12-29,accession,\n"
    "HTI,Haiti,true,Latin American and Caribbean Group,,,,2025-01-01\n"
)


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_import_csv_then_reimport_changes_nothing(session: Session, officer: Actor) -> None:
    result = import_states(session, actor=officer, content=GOOD.encode(), filename="states.csv")
    session.commit()
    assert (result.rows, result.states_created, result.events_added) == (5, 5, 5)
    statuses = service.statuses_on(session, date(2021, 1, 1))
    assert statuses == {
        "FRA": Status.STATE_PARTY,
        "CHN": Status.STATE_PARTY,
        "USA": Status.SIGNATORY,
        "PSE": Status.STATE_PARTY,
        "HTI": Status.NONE,
    }
    assert service.statuses_on(session, date(2020, 10, 3))["CHN"] is Status.NONE
    assert _count(session, LdcPeriod) == 1
    again = import_states(session, actor=officer, content=GOOD.encode(), filename="states.csv")
    assert (again.states_created, again.states_updated, again.events_added) == (0, 0, 0)


def test_import_xlsx(session: Session, officer: Actor) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    rows = [line.split(",") for line in GOOD.strip().splitlines()]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    result = import_states(
        session, actor=officer, content=buffer.getvalue(), filename="states.xlsx"
    )
    assert result.states_created == 5


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("code,name\nFRA,France\nXX,Nowhere\n", "row 3, code"),
        ("code,name\nFRA,France\nFRA,France again\n", "row 3, code"),
        (
            "code,name,signed_on,deposited_on,instrument\nFRA,France,2014-05-01,2014-04-02,ratification\n",
            "row 2, deposited_on",
        ),
        ("code,name,deposited_on\nFRA,France,2014-04-02\n", "row 2, instrument"),
        (
            "code,name,deposited_on,instrument\nFRA,France,02/04/2014,ratification\n",
            "row 2, deposited_on",
        ),
        ("code,name,regional_group\nFRA,France,Europe\n", "row 2, regional_group"),
        ("code\nFRA\n", "column name"),
        ("code,name,colour\nFRA,France,blue\n", "column colour"),
        (
            "code,name,withdrawal_notified_on\nFRA,France,2020-01-01\n",
            "row 2, withdrawal_notified_on",
        ),
        ("code,name,un_member\nFRA,France,maybe\n", "row 2, un_member"),
    ],
)
def test_bad_rows_name_row_and_column_and_write_nothing(
    session: Session, officer: Actor, content: str, field: str
) -> None:
    good_first = "code,name\nDEU,Germany\n"
    import_states(session, actor=officer, content=good_first.encode(), filename="first.csv")
    session.commit()
    with pytest.raises(ValidationFailed) as info:
        import_states(session, actor=officer, content=content.encode(), filename="bad.csv")
    assert field in info.value.fields, info.value.fields
    assert field in info.value.detail or len(info.value.fields) > 1
    session.rollback()
    assert _count(session, State) == 1
    assert _count(session, MembershipEvent) == 0


def test_conflicting_history_is_refused(session: Session, officer: Actor) -> None:
    import_states(session, actor=officer, content=GOOD.encode(), filename="states.csv")
    session.commit()
    changed = GOOD.replace("2014-04-02", "2014-05-02")
    with pytest.raises(ValidationFailed, match="already has a deposit"):
        import_states(session, actor=officer, content=changed.encode(), filename="states.csv")


def test_unreadable_files(session: Session, officer: Actor) -> None:
    with pytest.raises(ValidationFailed, match="cannot read .pdf"):
        import_states(session, actor=officer, content=b"%PDF", filename="states.pdf")
    with pytest.raises(ValidationFailed, match="cannot read"):
        import_states(session, actor=officer, content=b"not a zip", filename="states.xlsx")
    with pytest.raises(ValidationFailed, match="no rows"):
        import_states(session, actor=officer, content=b"code,name\n", filename="states.csv")
