"""Reminder letters to States in arrears, in English, French and Spanish, on the arrears
worked example (``tests/fixtures_arrears.py``), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from markupsafe import escape
from sqlmodel import Session

from finance_core.arrears.aging import bucket_names
from finance_core.arrears.rules import MEASURES
from finance_core.arrears.service import aging
from finance_core.errors import NotFound
from finance_core.system.service import DATASET_FLAG, DEMO, set_flag
from reports import reminders
from reports.i18n import LABELS, Language, day, label, money, words
from reports.reminders import ReminderFormat
from tests.conftest import needs_pango
from tests.fixtures_arrears import CSP11, CSP12

K = 100  # cents per dollar

TITLES = {
    Language.EN: "Reminder: assessed contributions outstanding",
    Language.FR: "Rappel : contributions mises en recouvrement non acquittées",
    Language.ES: "Recordatorio: cuotas prorrateadas pendientes de pago",
}


def said(key: str, language: Language, **values: object) -> str:
    """A label as the letter shows it: filled in and HTML-escaped."""
    text = label(key, language)
    return str(escape(text.format(**values) if values else text))


def measures_shown(html: str, language: Language) -> list[str]:
    return [m for m in MEASURES if said(f"measure.{m}", language) in html]


def test_every_label_of_the_letter_exists_in_each_language() -> None:
    keys = [f"measure.{m}" for m in MEASURES] + [f"bucket.{b}" for b in bucket_names(3)]
    keys += [k for k in LABELS if k.startswith("reminder.")]
    for key in keys:
        assert key in LABELS, key
        assert set(LABELS[key]) == set(Language), key
        assert all(LABELS[key][lang].strip() for lang in Language), key


@pytest.mark.parametrize("language", list(Language))
def test_c_at_csp12_is_subject_after_its_plan_lapsed(example: Session, language: Language) -> None:
    r = reminders.reminder_for(example, state_code="ccc", as_at=CSP12)
    assert r.reference == "ATT/FIN/ARR/2026-08-24/CCC"
    assert (r.state_code, r.state_name) == ("CCC", "State C")
    assert r.subject and not r.exempt and r.trigger_met
    assert r.plan_id is not None and r.plan_standing == "lapsed"
    assert r.plan_lapsed_on == date(2026, 2, 1)
    assert (r.total_due_minor, r.arrears_minor) == (100_000 * K, 75_000 * K)
    assert (r.trigger_arrears_minor, r.trigger_threshold_minor) == (75_000 * K, 50_000 * K)
    assert r.trigger_years == (2024, 2025)
    assert r.measures == tuple(MEASURES)
    assert [(x.year, x.outstanding_minor, x.bucket) for x in r.rows] == [
        (2023, 25_000 * K, "3_years_plus"),
        (2024, 25_000 * K, "2_years"),
        (2025, 25_000 * K, "1_year"),
        (2026, 25_000 * K, "current"),
    ]
    first = r.rows[0]
    assert first.due_on == date(2023, 1, 1)
    assert first.days_past_due == (CSP12 - date(2023, 1, 1)).days
    assert (first.assessed_minor, first.paid_minor) == (25_000 * K, 0)
    assert r.next_csp_number is None and r.plan_deadline is None  # no CSP after CSP12

    html = reminders.render_html(r, language)
    assert f'<html lang="{language.value}">' in html
    assert str(escape(TITLES[language])) in html
    assert "State C" in html and r.reference in html
    assert money(100_000 * K, language) in html
    assert measures_shown(html, language) == list(MEASURES)
    for name in ("current", "1_year", "2_years", "3_years_plus"):
        assert said(f"bucket.{name}", language) in html
    assert said("reminder.col.outstanding", language) in html
    assert (
        said(
            "reminder.rule8.subject",
            language,
            state="State C",
            arrears=money(75_000 * K, language),
            threshold=money(50_000 * K, language),
            years=words(["2024", "2025"], language),
        )
        in html
    )
    assert (
        said(
            "reminder.rule8.lapsed",
            language,
            state="State C",
            plan=r.plan_id,
            day=day(date(2026, 2, 1), language),
        )
        in html
    )
    assert said("illustrative", language) not in html


def test_english_amounts_are_grouped_as_english_writes_them(example: Session) -> None:
    r = reminders.reminder_for(example, state_code="CCC", as_at=CSP12)
    html = reminders.render_html(r, Language.EN)
    assert "$100,000.00" in html and "$75,000.00" in html
    french = reminders.render_html(r, Language.FR)
    assert "100\u202f000,00\xa0$US" in french


@pytest.mark.parametrize("language", list(Language))
def test_c_at_csp11_is_exempt_by_its_plan(example: Session, language: Language) -> None:
    r = reminders.reminder_for(example, state_code="CCC", as_at=CSP11)
    assert r.exempt and not r.subject and r.trigger_met
    assert r.plan_standing == "on_track"
    assert (r.total_due_minor, r.arrears_minor) == (75_000 * K, 50_000 * K)
    assert (r.next_csp_number, r.next_csp_opens_on) == (12, CSP12)
    assert r.plan_deadline == date(2026, 6, 25)  # 60 days before CSP12
    html = reminders.render_html(r, language)
    assert measures_shown(html, language) == []
    assert (
        said(
            "reminder.rule8.exempt",
            language,
            state="State C",
            arrears=money(50_000 * K, language),
            threshold=money(50_000 * K, language),
            years=words(["2023", "2024"], language),
            plan=r.plan_id,
        )
        in html
    )
    assert (
        said(
            "reminder.plan.deadline",
            language,
            csp=label("reminder.csp", language).format(number=12),
            opens=day(CSP12, language),
            deadline=day(date(2026, 6, 25), language),
        )
        in html
    )
    assert said("reminder.plan.general", language, years=6, days=60) in html


@pytest.mark.parametrize("language", list(Language))
def test_b_at_csp11_is_below_the_trigger(example: Session, language: Language) -> None:
    r = reminders.reminder_for(example, state_code="BBB", as_at=CSP11)
    assert not r.trigger_met and not r.subject and not r.exempt and r.plan_id is None
    assert (r.trigger_arrears_minor, r.trigger_threshold_minor) == (40_000 * K, 50_000 * K)
    assert r.total_due_minor == 65_000 * K
    html = reminders.render_html(r, language)
    assert measures_shown(html, language) == []
    assert money(65_000 * K, language) in html
    assert (
        said(
            "reminder.rule8.below",
            language,
            state="State B",
            arrears=money(40_000 * K, language),
            threshold=money(50_000 * K, language),
            years=words(["2023", "2024"], language),
            gap=money(10_000 * K, language),
        )
        in html
    )


def test_after_the_deadline_the_letter_says_it_has_passed(example: Session) -> None:
    r = reminders.reminder_for(example, state_code="BBB", as_at=date(2026, 7, 1))
    assert r.next_csp_number == 12 and r.plan_deadline == date(2026, 6, 25)
    for language in Language:
        html = reminders.render_html(r, language)
        shown = {
            "csp": label("reminder.csp", language).format(number=12),
            "opens": day(CSP12, language),
            "deadline": day(date(2026, 6, 25), language),
        }
        assert said("reminder.plan.deadline_passed", language, **shown) in html
        assert said("reminder.plan.deadline", language, **shown) not in html


def test_a_state_owing_nothing_due_gets_no_reminder(example: Session) -> None:
    with pytest.raises(NotFound, match="AAA owes nothing that is due"):
        reminders.reminder_for(example, state_code="AAA", as_at=CSP12)
    # On 15 December 2025 A owes its 2026 contribution, assessed but not yet due.
    position = aging(example, as_at=date(2025, 12, 15)).states["AAA"]
    assert position.outstanding == 50_000 * K and position.buckets["not_due"] == 50_000 * K
    with pytest.raises(NotFound, match="owes nothing that is due"):
        reminders.reminder_for(example, state_code="AAA", as_at=date(2025, 12, 15))
    with pytest.raises(NotFound):
        reminders.reminder_for(example, state_code="ZZZ", as_at=CSP12)


def test_a_bucket_without_a_label_shows_its_name(example: Session) -> None:
    r = reminders.reminder_for(example, state_code="CCC", as_at=CSP12)
    odd = dataclasses.replace(r.rows[0], bucket="4_years_plus")
    html = reminders.render_html(dataclasses.replace(r, rows=(odd, *r.rows[1:])), Language.FR)
    assert "<td>4_years_plus</td>" in html


def test_the_pdf_renders(example: Session) -> None:
    needs_pango()
    r = reminders.reminder_for(example, state_code="CCC", as_at=CSP12)
    pdf = reminders.render(r, Language.FR, ReminderFormat.PDF)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    html = reminders.render(r, Language.ES, ReminderFormat.HTML)
    assert html.decode("utf-8").startswith("<!DOCTYPE html>")
    assert reminders.MEDIA_TYPES[ReminderFormat.PDF] == "application/pdf"


@pytest.mark.parametrize("language", list(Language))
def test_the_demo_mark_only_on_demo_data(example: Session, language: Language) -> None:
    plain = reminders.reminder_for(example, state_code="CCC", as_at=CSP12)
    assert not plain.demo
    assert said("illustrative", language) not in reminders.render_html(plain, language)
    set_flag(example, DATASET_FLAG, DEMO)
    marked = reminders.reminder_for(example, state_code="CCC", as_at=CSP12)
    assert marked.demo
    assert said("illustrative", language) in reminders.render_html(marked, language)
