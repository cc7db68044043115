"""Index numbers, year-on-year growth, year filters and city comparison on one value per year.

Every function here takes series with one value per (city, indicator_id, year) in one unit per
indicator: run `prepare_series` (indicators.harmonise_units, then pick_one_value_per_year) first.
They refuse anything else, because an index or a growth rate between two sources' figures, or
between 亿元 and 万亿元, would be invented. Gaps stay gaps: nothing is interpolated or bridged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from policylens.indicators import table as indicators
from policylens.indicators.table import IndicatorError
from policylens.schema import CITY, INDICATOR_ID, POINT_QUALIFIERS, QUALIFIER, UNIT_CODE, VALUE, YEAR

INDEX_VALUE = "index_value"  # value / value in the base year * 100
GROWTH_PCT = "growth_pct"  # percent change against the previous calendar year
NOTE = "note"  # why index_value or growth_pct is NaN (a code of NOTE_LABELS), else NA

# Shares, rates and ranks have no index or growth rate: the change of a share is in percentage points.
NOT_LEVEL_UNITS = frozenset({"pct", "pct_yoy", "rank"})
_SERIES = [CITY, INDICATOR_ID]

# The key of each note code's wording in policylens.i18n.
NOTE_LABELS = {
    "no_base_year": "indicator_transforms.note.no_base_year",
    "zero_base": "indicator_transforms.note.zero_base",
    "no_previous_year": "indicator_transforms.note.no_previous_year",
    "zero_previous": "indicator_transforms.note.zero_previous",
    "not_a_level": "indicator_transforms.note.not_a_level",
    "qualified": "indicator_transforms.note.qualified",
    "no_population": "indicator_transforms.note.no_population",  # derived.py: per-capita and per-GDP
    "no_gdp": "indicator_transforms.note.no_gdp",
    "not_relative": "indicator_transforms.note.not_relative",
}


def prepare_series(df: pd.DataFrame) -> pd.DataFrame:
    """One value per (city, indicator_id, year), in one unit per indicator.

    indicators.harmonise_units, then indicators.pick_one_value_per_year (the documented conflict
    rule). Columns: the input columns plus published_value, published_unit_code, n_sources and
    conflict, sorted by city, indicator_id, year.
    """
    return indicators.pick_one_value_per_year(indicators.harmonise_units(df))


def _check_one_value_per_year(df: pd.DataFrame) -> None:
    repeated = df.duplicated([*_SERIES, YEAR], keep=False)
    if repeated.any():
        first = df[repeated].iloc[0]
        raise IndicatorError(
            f"several values for {first[CITY]}, {first[INDICATOR_ID]}, {first[YEAR]} "
            "(and maybe more): run prepare_series first"
        )
    mixed = df.groupby(INDICATOR_ID)[UNIT_CODE].nunique()
    if (mixed > 1).any():
        raise IndicatorError(f"more than one unit in {sorted(mixed[mixed > 1].index)}: run prepare_series first")


def _derive(
    df: pd.DataFrame,
    column: str,
    other: list[tuple],
    formula: Callable[[pd.Series, pd.Series], pd.Series],
    missing: str,
    zero: str,
) -> pd.DataFrame:
    """Apply `formula(value, other value)` where the other row (base or previous year) exists, is not 0
    and the unit is a level; note why not elsewhere, and note a result that rests on a non-exact value."""
    keys = pd.DataFrame(other, columns=[*_SERIES, YEAR]).astype({YEAR: "Int64"})
    lookup = df[[*_SERIES, YEAR, VALUE, QUALIFIER]].astype({YEAR: "Int64"})
    joined = keys.merge(lookup, on=[*_SERIES, YEAR], how="left")  # keys are unique: one match or none
    other_value = pd.Series(joined[VALUE].to_numpy(), index=df.index, dtype="float64")
    other_exact = pd.Series(
        (joined[QUALIFIER].isna() | joined[QUALIFIER].isin(POINT_QUALIFIERS)).to_numpy(), index=df.index
    )
    not_level = df[UNIT_CODE].isin(NOT_LEVEL_UNITS)
    ok = other_value.notna() & (other_value != 0) & ~not_level
    notes = pd.Series(pd.NA, index=df.index, dtype="str")
    notes[ok & ~(df[QUALIFIER].isin(POINT_QUALIFIERS) & other_exact)] = "qualified"
    notes[other_value.isna()] = missing
    notes[other_value == 0] = zero
    notes[not_level] = "not_a_level"
    return df.assign(**{column: formula(df[VALUE], other_value).where(ok).astype("float64"), NOTE: notes})


def index_series(df: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Each series as an index, base_year = 100: value / value in base_year * 100, per city and indicator.

    Columns: the input columns plus index_value (float64) and note. index_value is NaN, with note
    "no_base_year", "zero_base" or "not_a_level" (shares, rates, ranks), when there is no honest index;
    a missing base year is never replaced by another year. Where index_value is set, note is NA, or
    "qualified" when the value or the base is not exact (a lower bound, approximate or preliminary).
    """
    _check_one_value_per_year(df)
    base = list(zip(df[CITY], df[INDICATOR_ID], [base_year] * len(df), strict=True))
    return _derive(df, INDEX_VALUE, base, lambda v, b: v / b * 100, "no_base_year", "zero_base")


def yoy_growth(df: pd.DataFrame) -> pd.DataFrame:
    """Percent change against the previous calendar year, only where that year has a value.

    (value / value in year - 1 - 1) * 100 per city and indicator: 2019 to 2021 across a missing
    2020 is no growth rate. Columns: the input columns plus growth_pct (float64) and note
    ("no_previous_year", "zero_previous", "not_a_level"; where growth_pct is set, NA or "qualified"
    as in index_series).
    """
    _check_one_value_per_year(df)
    previous = list(zip(df[CITY], df[INDICATOR_ID], df[YEAR] - 1, strict=True))
    return _derive(df, GROWTH_PCT, previous, lambda v, p: (v / p - 1) * 100, "no_previous_year", "zero_previous")


def filter_years(df: pd.DataFrame, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Rows with start <= year <= end (None leaves that side open); same columns, index reset."""
    keep = pd.Series(True, index=df.index)
    if start is not None:
        keep &= df[YEAR] >= start
    if end is not None:
        keep &= df[YEAR] <= end
    return df[keep].reset_index(drop=True)


def align_cities(df: pd.DataFrame, indicator_id: str, cities: Sequence[str]) -> pd.DataFrame:
    """One indicator as a table of years (rows) by cities (columns), for comparing cities.

    Rows: every year from the first to the last with a value in any of `cities` (index "year",
    int64); columns: `cities` in the order given (axis name "city"), a city without data kept as an
    all-NaN column. A missing value is NaN, never filled. Values are float64 in the indicator's one unit.
    """
    rows = df[(df[INDICATOR_ID] == indicator_id) & df[CITY].isin(list(cities))]
    _check_one_value_per_year(rows)
    table = rows.pivot(index=YEAR, columns=CITY, values=VALUE)
    years = range(int(table.index.min()), int(table.index.max()) + 1) if len(table) else range(0)
    table.index = table.index.astype("int64")
    full = table.reindex(
        index=pd.Index(years, dtype="int64", name=YEAR), columns=pd.Index(list(cities), dtype="str", name=CITY)
    )
    return full.astype("float64")
