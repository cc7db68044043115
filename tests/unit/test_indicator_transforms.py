"""Index numbers, growth rates, year filters and city alignment: no invented base, no bridged gap, NaN for gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policylens import schema
from policylens.indicators.table import FULL_YEAR_NOTE, IndicatorError
from policylens.indicators.transforms import (
    align_cities,
    filter_years,
    index_series,
    prepare_series,
    yoy_growth,
)

NA = np.nan


def frame(rows: list[tuple]) -> pd.DataFrame:
    """(city, indicator_id, year, value, unit_code[, qualifier]) -> a long indicator table."""
    records = []
    for city, indicator_id, year, value, unit_code, *rest in rows:
        records.append(
            {
                schema.CITY: city,
                schema.YEAR: year,
                schema.PILLAR: "strong",
                schema.INDICATOR_ID: indicator_id,
                schema.INDICATOR_EN: "",
                schema.INDICATOR_ZH: "",
                schema.VALUE: value,
                schema.UNIT: unit_code,
                schema.UNIT_CODE: unit_code,
                schema.QUALIFIER: rest[0] if rest else "exact",
                schema.PERIOD_NOTE: FULL_YEAR_NOTE,
                schema.SOURCE_TITLE: "T",
                schema.SOURCE_URL: f"u{year}",
                schema.SOURCE_QUOTE: "",
            }
        )
    table = pd.DataFrame(records, columns=list(schema.INDICATOR_COLUMNS))
    text = {c: "str" for c in schema.INDICATOR_COLUMNS if c not in (schema.YEAR, schema.VALUE)}
    return table.astype({**text, schema.YEAR: "Int64", schema.VALUE: "float64"})


def with_result(df: pd.DataFrame, column: str, values: list[float], notes: list[object]) -> pd.DataFrame:
    return df.assign(
        **{
            column: pd.Series(values, index=df.index, dtype="float64"),
            "note": pd.Series(notes, index=df.index, dtype="str"),
        }
    )


GDP = frame(
    [
        ("Nanjing", "gdp", 2019, 200.0, "100m_cny"),
        ("Nanjing", "gdp", 2020, 250.0, "100m_cny"),
        ("Nanjing", "gdp", 2022, 300.0, "100m_cny"),
        ("Suzhou", "gdp", 2021, 400.0, "100m_cny"),
        ("Suzhou", "gdp", 2022, 500.0, "100m_cny", "lower_bound"),
    ]
)


def test_index_divides_by_the_base_year_value_per_city_and_indicator():
    result = index_series(GDP, 2022)
    pd.testing.assert_frame_equal(
        result,
        with_result(
            GDP,
            "index_value",
            [200 / 300 * 100, 250 / 300 * 100, 100.0, 80.0, 100.0],
            [NA, NA, NA, "qualified", "qualified"],
        ),
    )


def test_index_without_a_base_year_value_is_nan_with_a_note_never_another_year():
    result = index_series(GDP, 2019)
    pd.testing.assert_frame_equal(
        result,
        with_result(GDP, "index_value", [100.0, 125.0, 150.0, NA, NA], [NA, NA, NA, "no_base_year", "no_base_year"]),
    )


def test_index_refuses_zero_base_and_shares():
    df = frame(
        [
            ("Nanjing", "firms_x", 2020, 0.0, "firms"),
            ("Nanjing", "firms_x", 2021, 5.0, "firms"),
            ("Nanjing", "share", 2020, 3.0, "pct"),
            ("Nanjing", "share", 2021, 3.5, "pct"),
        ]
    )
    pd.testing.assert_frame_equal(
        index_series(df, 2020),
        with_result(df, "index_value", [NA, NA, NA, NA], ["zero_base", "zero_base", "not_a_level", "not_a_level"]),
    )


def test_growth_needs_the_previous_calendar_year_and_never_bridges_a_gap():
    result = yoy_growth(GDP)
    pd.testing.assert_frame_equal(
        result,
        with_result(
            GDP,
            "growth_pct",
            [NA, 25.0, NA, NA, 25.0],
            ["no_previous_year", NA, "no_previous_year", "no_previous_year", "qualified"],
        ),
    )


def test_growth_of_zero_previous_value_is_nan_with_a_note():
    df = frame([("Nanjing", "x", 2020, 0.0, "items"), ("Nanjing", "x", 2021, 3.0, "items")])
    pd.testing.assert_frame_equal(
        yoy_growth(df), with_result(df, "growth_pct", [NA, NA], ["no_previous_year", "zero_previous"])
    )


def test_transforms_refuse_several_values_per_year_or_mixed_units():
    twice = pd.concat([GDP, GDP.iloc[[0]]], ignore_index=True)
    with pytest.raises(IndicatorError, match="several values for Nanjing, gdp, 2019"):
        yoy_growth(twice)
    mixed = frame([("Nanjing", "gdp", 2020, 1.5, "trillion_cny"), ("Nanjing", "gdp", 2021, 16000.0, "100m_cny")])
    with pytest.raises(IndicatorError, match="more than one unit"):
        index_series(mixed, 2020)


def test_prepare_series_harmonises_units_then_picks_one_value_per_year():
    df = frame(
        [("Nanjing", "gdp", 2021, 1.6, "trillion_cny", "lower_bound"), ("Nanjing", "gdp", 2022, 16908.0, "100m_cny")]
    )
    df = pd.concat([df, df.iloc[[1]].assign(value=16900.0, source_url="other")], ignore_index=True)
    prepared = prepare_series(df)
    assert prepared[["year", "value", "unit_code", "n_sources", "conflict"]].values.tolist() == [
        [2021, 16000.0, "100m_cny", 1, False],
        [2022, 16908.0, "100m_cny", 2, True],
    ]
    assert yoy_growth(prepared)["growth_pct"].round(6).tolist() == [pytest.approx(NA, nan_ok=True), 5.675]


def test_filter_years_is_inclusive_and_open_ended():
    assert filter_years(GDP, 2020, 2021)["year"].tolist() == [2020, 2021]
    assert filter_years(GDP, start=2021)["year"].tolist() == [2022, 2021, 2022]
    assert filter_years(GDP, end=2019)["year"].tolist() == [2019]
    assert filter_years(GDP).index.tolist() == [0, 1, 2, 3, 4]


def test_align_cities_is_a_year_by_city_table_with_nan_gaps_in_the_order_asked():
    result = align_cities(GDP, "gdp", ["Suzhou", "Nanjing", "Hefei"])
    expected = pd.DataFrame(
        {"Suzhou": [NA, NA, 400.0, 500.0], "Nanjing": [200.0, 250.0, NA, 300.0], "Hefei": [NA, NA, NA, NA]},
        index=pd.Index([2019, 2020, 2021, 2022], dtype="int64", name="year"),
    )
    expected.columns = pd.Index(["Suzhou", "Nanjing", "Hefei"], dtype="str", name="city")
    pd.testing.assert_frame_equal(result, expected)


def test_align_cities_fills_years_no_city_has_as_gaps():
    df = frame([("Nanjing", "gdp", 2017, 1.0, "100m_cny"), ("Nanjing", "gdp", 2019, 3.0, "100m_cny")])
    assert align_cities(df, "gdp", ["Nanjing"])["Nanjing"].tolist() == [1.0, pytest.approx(NA, nan_ok=True), 3.0]


def test_align_cities_without_data_is_empty():
    result = align_cities(GDP, "rd_intensity_pct", ["Nanjing"])
    assert result.empty and list(result.columns) == ["Nanjing"] and result.index.name == "year"
