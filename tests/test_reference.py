"""The packaged reference data, read by the pure readers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from finance_core.reference import loader
from finance_core.states.models import RegionalGroup


@pytest.mark.parametrize("filename", loader.SCALE_FILES)
def test_each_scale_has_193_states_summing_to_exactly_100(filename: str) -> None:
    entries = loader.read_scale(filename)
    assert len(entries) == 193
    assert len({e.code for e in entries}) == 193
    assert all(isinstance(e.rate_percent, Decimal) for e in entries)
    assert all(e.rate_percent.as_tuple().exponent == -3 for e in entries)
    assert sum((e.rate_percent for e in entries), Decimal(0)) == Decimal("100.000")


def test_scales_are_keyed_by_period_code() -> None:
    scales = loader.read_scales()
    assert list(scales) == [
        "UN 2013-2015",
        "UN 2016-2018",
        "UN 2019-2021",
        "UN 2022-2024",
        "UN 2025-2027",
    ]
    first = scales["UN 2025-2027"][0]
    assert (first.first_year, first.last_year) == (2025, 2027)


def test_every_scale_code_is_a_member_state() -> None:
    members = {m.code for m in loader.read_member_states()}
    for entries in loader.read_scales().values():
        assert {e.code for e in entries} == members


def test_regional_groups_cover_193_member_states() -> None:
    members = loader.read_member_states()
    assert len(members) == 193
    assert {m.regional_group for m in members} == {g.value for g in RegionalGroup}
    by_code = {m.code: m for m in members}
    assert by_code["USA"].regional_group == RegionalGroup.WEOG
    assert by_code["KIR"].regional_group == RegionalGroup.ASIA_PACIFIC
    assert "VAT" not in by_code
    assert "PSE" not in by_code


def test_ldc_list_has_44_states_as_of_2025() -> None:
    ldcs = loader.read_ldc_list()
    assert len(ldcs) == 44
    assert len({e.code for e in ldcs}) == 44
    assert {e.listed_on for e in ldcs} == {date(2025, 1, 1)}
    members = {m.code for m in loader.read_member_states()}
    assert {e.code for e in ldcs} <= members


def test_notional_rates_of_the_non_member_states() -> None:
    rates = {e.code: e for e in loader.read_notional_rates()}
    assert set(rates) == set(loader.NON_MEMBER_STATES) == {"VAT", "PSE"}
    assert rates["PSE"].rate_percent == Decimal("0.011")
    assert rates["VAT"].rate_percent == Decimal("0.001")
    assert all((e.first_year, e.last_year) == (2025, 2027) for e in rates.values())


def test_consistency_check_passes_on_the_packaged_data() -> None:
    loader.check_codes(
        loader.read_member_states(),
        loader.read_scales(),
        loader.read_ldc_list(),
        loader.read_notional_rates(),
    )


def test_consistency_check_names_an_unknown_scale_code() -> None:
    scales = loader.read_scales()
    stray = loader.ScaleEntry("XXX", "Nowhere", Decimal("0.001"), 2025, 2027)
    scales["UN 2025-2027"] = [*scales["UN 2025-2027"], stray]
    with pytest.raises(loader.ReferenceDataError, match="XXX"):
        loader.check_codes(loader.read_member_states(), scales, [], [])


def test_consistency_check_refuses_a_notional_rate_for_a_member_state() -> None:
    fra = loader.ScaleEntry("FRA", "France", Decimal("4.000"), 2025, 2027)
    with pytest.raises(loader.ReferenceDataError, match="FRA"):
        loader.check_codes(loader.read_member_states(), {}, [], [fra])


def test_sources_describe_every_packaged_file() -> None:
    data = resources.files("finance_core.reference").joinpath("data")
    sources = data.joinpath("SOURCES.md").read_text(encoding="utf-8")
    csv_files = sorted(p.name for p in data.iterdir() if p.name.endswith(".csv"))
    assert csv_files == sorted(
        [
            *loader.SCALE_FILES,
            loader.REGIONAL_GROUPS_FILE,
            loader.LDC_FILE,
            loader.NOTIONAL_RATES_FILE,
        ]
    )
    for name in csv_files:
        assert f"`{name}`" in sources
