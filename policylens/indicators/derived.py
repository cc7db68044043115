"""Per-capita and per-GDP measures: an indicator divided by the same city's resident population or GDP
in the same year, both published values.

A ratio is computed only where both values exist for that city and year (one value per year each,
picked by the documented rule, transforms.prepare_series); a year without the denominator stays a
gap with its reason, never bridged from another year. Every ratio keeps both sources: the
numerator's in source_title / source_url, the denominator's in the denominator_* columns. Shares,
rates, ranks and values that are already per person have no such form.
"""

from __future__ import annotations

import pandas as pd

from policylens.indicators.table import POPULATION_ID, base_values
from policylens.indicators.transforms import NOTE
from policylens.indicators.units import AMOUNT_SCALES
from policylens.schema import (
    CITY,
    INDICATOR_ID,
    POINT_QUALIFIERS,
    QUALIFIER,
    SOURCE_TITLE,
    SOURCE_URL,
    UNIT_CODE,
    VALUE,
    YEAR,
)

GDP_ID = "gdp"  # 地区生产总值
# measure -> the indicator it divides by
RELATIVE_MEASURES = {"per_capita": POPULATION_ID, "per_gdp": GDP_ID}
# measure -> (numerator base amount -> (unit of the ratio, factor applied to the ratio of base amounts))
# CNY per resident; counts per 10,000 residents; CNY as % of GDP; counts per 100 million CNY of GDP.
RELATIVE_UNITS: dict[str, dict[str, tuple[str, float]]] = {
    "per_capita": {
        "cny": ("cny_per_person", 1.0),
        **{base: ("per_10k_persons", 1e4) for base in ("firms", "persons", "items", "institutions", "labs")},
    },
    "per_gdp": {
        "cny": ("pct_of_gdp", 100.0),
        **{base: ("per_100m_cny_gdp", 1e8) for base in ("firms", "persons", "items", "institutions", "labs")},
    },
}
# The key of each derived unit's label in policylens.i18n.
RELATIVE_UNIT_LABELS = {
    "cny_per_person": "indicator_view.unit.cny_per_person",
    "per_10k_persons": "indicator_view.unit.per_10k_persons",
    "pct_of_gdp": "indicator_view.unit.pct_of_gdp",
    "per_100m_cny_gdp": "indicator_view.unit.per_100m_cny_gdp",
}
DENOMINATOR_BASES = {"per_capita": "persons", "per_gdp": "cny"}  # the base amount a denominator must be in
NO_DENOMINATOR = {"per_capita": "no_population", "per_gdp": "no_gdp"}  # the note of a year without one
NOT_RELATIVE = "not_relative"  # a share, rate, rank, or the denominator itself

DENOMINATOR_VALUE = "denominator_value"
DENOMINATOR_UNIT_CODE = "denominator_unit_code"
DENOMINATOR_QUALIFIER = "denominator_qualifier"
DENOMINATOR_SOURCE_TITLE = "denominator_source_title"
DENOMINATOR_SOURCE_URL = "denominator_source_url"
DENOMINATOR_COLUMNS = (
    DENOMINATOR_VALUE,
    DENOMINATOR_UNIT_CODE,
    DENOMINATOR_QUALIFIER,
    DENOMINATOR_SOURCE_TITLE,
    DENOMINATOR_SOURCE_URL,
)


def _relative_form(unit_code: str, measure: str) -> tuple[str, float] | None:
    """(ratio unit, factor) of `unit_code` in `measure` (RELATIVE_UNITS), None when it has no such form."""
    return RELATIVE_UNITS[measure].get(AMOUNT_SCALES.get(unit_code, (None, 0))[0])


def relative_unit(unit_code: str, measure: str) -> str | None:
    """The unit of `unit_code` per resident or per GDP (a RELATIVE_UNIT_LABELS code), None when the
    indicator has no such form (shares, rates, ranks, per-10,000 figures)."""
    form = _relative_form(unit_code, measure)
    return form[0] if form else None


def relative_series(series: pd.DataFrame, denominators: pd.DataFrame, measure: str, shown: str) -> pd.DataFrame:
    """`series` (one value per city and year, transforms.prepare_series) divided by `denominators`
    (the population or GDP rows, also one per city and year) of the same city and year.

    Adds `shown` (float64, the ratio in relative_unit), note (NO_DENOMINATOR[measure] where that
    city-year has no denominator, NOT_RELATIVE for indicators without the form, "qualified" where
    either value is not exact, else NA) and DENOMINATOR_COLUMNS (NaN / NA where there is none).
    """
    if measure not in RELATIVE_MEASURES:
        raise ValueError(f"unknown relative measure {measure!r}; expected one of {tuple(RELATIVE_MEASURES)}")
    columns = [CITY, YEAR, VALUE, UNIT_CODE, QUALIFIER, SOURCE_TITLE, SOURCE_URL]
    renamed = dict(zip(columns[2:], DENOMINATOR_COLUMNS, strict=True))
    bases = denominators[UNIT_CODE].map(lambda c: AMOUNT_SCALES.get(c, (None, 0))[0])
    denominators = denominators[bases == DENOMINATOR_BASES[measure]]  # a population in persons, a GDP in CNY
    denominator = denominators[columns].rename(columns=renamed).astype({YEAR: "int64"})
    joined = series.astype({YEAR: "int64"}).merge(denominator, on=[CITY, YEAR], how="left", validate="many_to_one")
    joined.index = series.index
    factor = series[UNIT_CODE].map(lambda c: (_relative_form(c, measure) or (None, float("nan")))[1])
    has_form = factor.notna() & (series[INDICATOR_ID] != RELATIVE_MEASURES[measure])
    below = base_values(joined[DENOMINATOR_VALUE], joined[DENOMINATOR_UNIT_CODE].fillna(""))
    ok = has_form & joined[DENOMINATOR_VALUE].notna() & (below != 0)
    ratio = base_values(series[VALUE], series[UNIT_CODE]) / below.where(below != 0) * factor
    exact = series[QUALIFIER].isin(POINT_QUALIFIERS) & joined[DENOMINATOR_QUALIFIER].fillna("exact").isin(
        POINT_QUALIFIERS
    )
    notes = pd.Series(pd.NA, index=series.index, dtype="str")
    notes[ok & ~exact] = "qualified"
    notes[joined[DENOMINATOR_VALUE].isna()] = NO_DENOMINATOR[measure]
    notes[~has_form] = NOT_RELATIVE
    joined.loc[~has_form, list(DENOMINATOR_COLUMNS)] = pd.NA  # no ratio: no denominator to show
    return joined.assign(**{shown: ratio.where(ok).astype("float64"), NOTE: notes})


def format_relative(value: float) -> str:
    """A ratio with the digits it needs: 2 decimals below 10, 1 below 1,000, none above; "" for a gap."""
    if pd.isna(value):
        return ""
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0
    return f"{value:,.{digits}f}"
