"""Per-capita and per-GDP measures: two published values of the same city and year, both sources kept,
never across a gap."""

from __future__ import annotations

import pandas as pd
import pytest
from indicator_rows import frame, row_factory

from policylens.figures.indicator_views import build_view_figure
from policylens.indicators.derived import relative_unit
from policylens.indicators.views import (
    ViewSpec,
    build_compare_table,
    build_export_table,
    build_view_table,
    source_rows,
    summarise_gaps,
    view_series,
)

row = row_factory()


def population(year: int, value: float, city: str = "Nanjing", **overrides: object) -> dict[str, object]:
    fields = {
        "city": city,
        "year": year,
        "pillar": "fusion",
        "indicator_id": "resident_population",
        "indicator_en": "Resident population",
        "indicator_zh": "常住人口",
        "value": value,
        "unit": "万人",
        "unit_code": "10k_persons",
        "source_title": f"Population bulletin {year}",
        "source_url": f"https://example.com/pop{year}",
    }
    return row(**{**fields, **overrides})


def table() -> pd.DataFrame:
    return frame(
        [
            row(year=2020, value=15000.0, source_title="GDP 2020", source_url="https://example.com/g2020"),
            row(year=2021, value=16000.0, source_title="GDP 2021", source_url="https://example.com/g2021"),
            row(year=2022, value=17000.0, qualifier="approx", source_url="https://example.com/g2022"),
            row(
                year=2020,
                indicator_id="high_tech_enterprises",
                value=6500.0,
                unit="家",
                unit_code="firms",
                source_url="https://example.com/h2020",
            ),
            row(
                year=2021,
                indicator_id="high_tech_enterprises",
                value=0.75,
                unit="万家",
                unit_code="10k_firms",
                source_url="https://example.com/h2021",
            ),
            row(year=2021, indicator_id="rd_intensity_pct", value=3.6, unit="%", unit_code="pct"),
            population(2020, 1000.0),
            population(2022, 1000.0),  # no 2021: that year has no per-capita value
            population(2021, 900.0, city="Hefei"),
        ]
    )


def test_per_capita_divides_by_the_same_year_population_in_base_units():
    series = view_series(table(), ViewSpec("gdp", ("Nanjing",), measure="per_capita"))
    shown = dict(zip(series["year"], series["shown"]))
    assert shown[2020] == pytest.approx(15000e8 / 1000e4)  # 亿元 over 万人: CNY per resident
    assert pd.isna(shown[2021])  # never taken from 2020 or 2022
    assert dict(zip(series["year"], series["note"]))[2021] == "no_population"
    assert summarise_gaps(series) == [("no_population", "Nanjing", (2021,))]


def test_counts_are_per_10k_residents_and_units_of_10k_are_scaled_exactly():
    df = table().assign(city="Nanjing")  # Hefei's 2021 population becomes Nanjing's only 2021 value
    series = view_series(df, ViewSpec("high_tech_enterprises", ("Nanjing",), measure="per_capita"))
    shown = dict(zip(series["year"], series["shown"]))
    assert shown[2020] == pytest.approx(6500 / 1000e4 * 1e4)  # 6.5 firms per 10,000 residents
    assert shown[2021] == pytest.approx(7500 / 900e4 * 1e4)  # 0.75万家 is 7,500 firms


def test_per_gdp_of_an_amount_is_a_share_and_a_qualified_value_is_flagged():
    df = frame([row(year=2022, value=17000.0, qualifier="approx"), row(year=2022, indicator_id="rd", value=680.0)])
    series = view_series(df, ViewSpec("rd", ("Nanjing",), measure="per_gdp"))
    assert series["shown"].iloc[0] == pytest.approx(4.0)
    assert series["note"].iloc[0] == "qualified"  # the GDP it rests on is approximate
    assert relative_unit("100m_cny", "per_gdp") == "pct_of_gdp"


def test_shares_ranks_and_the_denominator_itself_have_no_relative_form():
    df = table()
    share = view_series(df, ViewSpec("rd_intensity_pct", ("Nanjing",), measure="per_capita"))
    assert share["shown"].isna().all() and set(share["note"]) == {"not_relative"}
    itself = view_series(df, ViewSpec("gdp", ("Nanjing",), measure="per_gdp"))
    assert itself["shown"].isna().all() and itself["denominator_value"].isna().all()
    assert relative_unit("rank", "per_capita") is None
    assert relative_unit("items_per_10k_persons", "per_capita") is None


def test_a_population_in_the_wrong_unit_is_no_denominator():
    df = frame([row(year=2020), population(2020, 1000.0, unit="家", unit_code="firms")])
    series = view_series(df, ViewSpec("gdp", ("Nanjing",), measure="per_capita"))
    assert series["shown"].isna().all() and series["note"].iloc[0] == "no_population"


def test_tables_and_exports_carry_both_sources_and_the_ratio_unit():
    spec = ViewSpec("gdp", ("Nanjing", "Hefei"), measure="per_capita")
    series = view_series(table(), spec)
    shown = build_view_table(series, "per_capita", "zh")
    first = shown.iloc[0]
    assert first["shown"] == "150,000" and first["shown_unit"] == "元/人（按常住人口）"
    assert first["denominator"] == "1,000 万人" and first["denominator_source_title"] == "Population bulletin 2020"
    tidy = build_export_table(series, "per_capita", "en")
    assert tidy["denominator_value"].dtype == "float64" and tidy["shown"].dtype == "float64"
    assert tidy.loc[tidy["year"] == 2020, "denominator_source_url"].item() == "https://example.com/pop2020"
    assert tidy.loc[tidy["year"] == 2020, "source_url"].item() == "https://example.com/g2020"
    compare = build_compare_table(series, "gdp", ("Nanjing", "Hefei"), "en", "per_capita")
    assert compare.set_index("year").loc[2021, "Nanjing"] == ""  # a gap stays a gap
    used = source_rows(table(), spec, series)
    assert {"https://example.com/pop2020", "https://example.com/pop2022"} <= set(used["source_url"])


def test_the_figure_names_the_ratio_and_both_sources():
    fig = build_view_figure(table(), ViewSpec("gdp", ("Nanjing",), measure="per_capita"), "en")
    assert fig.layout.yaxis.title.text == "CNY per resident"
    assert "per resident" in fig.layout.title.text
    hovers = " ".join(h for trace in fig.data for h in (trace.hovertext or ()) if h)
    assert "Population bulletin 2020" in hovers and "÷" in hovers
