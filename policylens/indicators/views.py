"""What an indicator view shows: one indicator's series in a measure (absolute, indexed, growth), the
years that exist, the table and the city-by-year comparison behind a chart, its sources, and a target
expressed in the chart's unit. Nothing here fills a gap: a value that cannot be computed stays NaN
with the reason in `note`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import pandas as pd

from policylens.i18n import t
from policylens.indicators import table as indicators
from policylens.indicators.derived import (
    DENOMINATOR_SOURCE_TITLE,
    DENOMINATOR_SOURCE_URL,
    DENOMINATOR_UNIT_CODE,
    DENOMINATOR_VALUE,
    NO_DENOMINATOR,
    NOT_RELATIVE,
    RELATIVE_MEASURES,
    RELATIVE_UNIT_LABELS,
    format_relative,
    relative_series,
    relative_unit,
)
from policylens.indicators.labels import (
    QUALIFIER_LABELS,
    QUALIFIER_PREFIXES,
    city_label,
    indicator_title_name,
    row_note,
)
from policylens.indicators.transforms import (
    GROWTH_PCT,
    INDEX_VALUE,
    NOTE,
    NOTE_LABELS,
    align_cities,
    filter_years,
    index_series,
    prepare_series,
    yoy_growth,
)
from policylens.schema import (
    CITY,
    CONFLICT,
    INDICATOR_ID,
    N_SOURCES,
    QUALIFIER,
    SOURCE_TITLE,
    SOURCE_URL,
    UNIT_CODE,
    VALUE,
    YEAR,
)

MEASURES = ("absolute", "indexed", "growth", *RELATIVE_MEASURES)  # per_capita, per_gdp: derived.py
SCALES = ("linear", "log")
VIEWS = ("chart", "bar", "table", "compare")  # how the Indicators page shows a view (lines, one year, tables)
SHOWN = "shown"  # the value in the chosen measure (float64, NaN where it cannot be computed)
N_VALUES = "n_values"
# Notes that leave a point without a value in its measure ("qualified" points keep theirs).
GAP_NOTES = (
    "no_base_year",
    "zero_base",
    "no_previous_year",
    "zero_previous",
    "not_a_level",
    *NO_DENOMINATOR.values(),
    NOT_RELATIVE,
)


class ViewSpec(NamedTuple):
    """What one indicator view shows (hashable, so a cache can key on it)."""

    indicator_id: str
    cities: tuple[str, ...]
    years: tuple[int, int] | None = None  # (first, last) of the time range; None: all years
    measure: str = "absolute"  # one of MEASURES
    base_year: int | None = None  # for "indexed"
    kind: str = "line"  # "line" over years, or "bar" for bar_year
    bar_year: int | None = None
    log: bool = False


def select_rows(df: pd.DataFrame, spec: ViewSpec) -> pd.DataFrame:
    """The long-table rows of the spec's indicator and cities, every year (index and growth need
    years outside the range)."""
    return df[(df[INDICATOR_ID] == spec.indicator_id) & df[CITY].isin(list(spec.cities))]


def denominator_rows(df: pd.DataFrame, spec: ViewSpec) -> pd.DataFrame:
    """The population or GDP rows of the spec's cities that a per-capita or per-GDP measure divides by
    (no rows for the other measures)."""
    if spec.measure not in RELATIVE_MEASURES:
        return df.iloc[0:0]
    return df[(df[INDICATOR_ID] == RELATIVE_MEASURES[spec.measure]) & df[CITY].isin(list(spec.cities))]


def source_rows(df: pd.DataFrame, spec: ViewSpec, series: pd.DataFrame) -> pd.DataFrame:
    """Every row a view rests on, for its sources panel: the indicator's rows in the time range (or
    the bar's year), and the denominator rows of the years the view shows."""
    rows = select_rows(df, spec)
    first, last = spec.years or (-(10**9), 10**9)
    rows = rows[rows[YEAR].between(first, last)] if spec.kind == "line" else rows[rows[YEAR] == spec.bar_year]
    used = denominator_rows(df, spec)
    used = used[used[YEAR].isin(set(series[YEAR]))]
    return pd.concat([rows, used]) if len(used) else rows


def view_series(df: pd.DataFrame, spec: ViewSpec) -> pd.DataFrame:
    """build_measure_series for the spec, then cut to its time range (and to bar_year for bars).

    The measure is computed on every year first, so a growth rate at the start of the range uses
    the previous year's published value when there is one. Columns: as build_measure_series.
    """
    rows = select_rows(df, spec)
    if rows.empty:
        return rows.assign(**{SHOWN: pd.Series(dtype="float64"), NOTE: pd.Series(dtype="str")})
    series = build_measure_series(rows, spec.measure, spec.base_year, denominator_rows(df, spec))
    series = filter_years(series, *(spec.years or (None, None)))
    if spec.kind == "bar":
        series = series[series[YEAR] == spec.bar_year].reset_index(drop=True)
    return series


def list_years(df: pd.DataFrame) -> list[int]:
    """The years that have at least one value, ascending."""
    return sorted(int(y) for y in df[YEAR].dropna().unique())


def build_measure_series(
    df_one_indicator: pd.DataFrame,
    measure: str,
    base_year: int | None = None,
    denominators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One value per city and year (transforms.prepare_series) in the chosen measure.

    measure "absolute": shown = value (in the indicator's chart unit); "indexed": shown = index with
    base_year = 100 (transforms.index_series); "growth": shown = percent change on the previous year
    (transforms.yoy_growth); "per_capita" / "per_gdp": shown = value per resident or per GDP of the
    same city and year (derived.relative_series on `denominators`, the population or GDP rows; their
    value and source are in the denominator_* columns). Columns: the prepare_series columns plus
    shown (float64) and note (the note code, NA for absolute values), sorted by city and year.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {MEASURES}")
    series = prepare_series(df_one_indicator)
    if measure in RELATIVE_MEASURES:
        if denominators is None or denominators.empty:
            denominators = df_one_indicator.iloc[0:0]  # no population or GDP: every year is a gap
        else:
            denominators = prepare_series(denominators)
        return relative_series(series, denominators, measure, SHOWN)
    if measure == "absolute":
        return series.assign(
            **{SHOWN: series[VALUE].astype("float64"), NOTE: pd.Series(pd.NA, index=series.index, dtype="str")}
        )
    if measure == "indexed":
        if base_year is None:
            raise ValueError("an index needs a base year")
        derived = index_series(series, int(base_year))
        return derived.assign(**{SHOWN: derived[INDEX_VALUE]})
    derived = yoy_growth(series)
    return derived.assign(**{SHOWN: derived[GROWTH_PCT]})


def summarise_gaps(series: pd.DataFrame) -> list[tuple[str, str, tuple[int, ...]]]:
    """Why some points have no value in the measure: (note code, city, years), in note then city order."""
    missing = series[series[SHOWN].isna() & series[NOTE].isin(GAP_NOTES)]
    order = {note: i for i, note in enumerate(GAP_NOTES)}
    groups = missing.groupby([NOTE, CITY], sort=False)[YEAR].agg(lambda s: tuple(sorted(int(y) for y in s)))
    return sorted(((n, c, y) for (n, c), y in groups.items()), key=lambda g: (order[g[0]], g[1]))


def format_number(value: float, qualifier: str = "exact", digits: int = 12) -> str:
    """A number with its qualifier's sign (≥ lower bound, ≈ approximate), "" for a gap."""
    if pd.isna(value):
        return ""
    return QUALIFIER_PREFIXES.get(qualifier, "") + f"{value:,.{digits}g}"


def format_derived(value: float) -> str:
    """An index or growth rate with one decimal ("112.5"), "" for a gap."""
    return "" if pd.isna(value) else f"{value:,.1f}"


def format_shown(value: float, measure: str) -> str:
    """A value in a derived measure: a ratio with the digits it needs, an index or growth rate with one."""
    return format_relative(value) if measure in RELATIVE_MEASURES else format_derived(value)


def shown_unit_label(unit_code: str, measure: str, lang: str) -> str:
    """The unit of a per-capita or per-GDP value ("CNY per resident"), "" for other measures or none."""
    code = relative_unit(unit_code, measure) if measure in RELATIVE_MEASURES else None
    return t(RELATIVE_UNIT_LABELS[code], lang) if code else ""


def build_view_table(
    series: pd.DataFrame, measure: str, lang: str = "en", base_year: int | None = None
) -> pd.DataFrame:
    """The table behind a chart, one row per city and year, for display.

    Columns: city (display label), year (int64), value (text: the number with ≥ / ≈ for lower
    bounds and approximations), qualifier (label), unit (label), shown (text, the index or growth
    rate; "" for absolute values or where none can be computed), note (why not, a caution, and the
    note the row's indicator label carries, labels.row_note),
    sources (int64, distinct sources for the point), source_title, source_url; for per-capita and
    per-GDP measures also shown_unit, denominator (text) and the denominator's source title and URL.
    """
    rows = series.sort_values([CITY, YEAR], kind="stable")
    shown = ["" if measure == "absolute" else format_shown(v, measure) for v in rows[SHOWN]]
    notes = ["" if pd.isna(n) else t(NOTE_LABELS[n], lang, year=base_year) for n in rows[NOTE]]
    conflicts = [t("indicator_view.conflict", lang, n=n) if c else "" for c, n in zip(rows[CONFLICT], rows[N_SOURCES])]
    # the note a row's label carries ("secondary compilation, rounded") belongs to that row, not the title
    labelled = [row_note(r, lang) for r in rows.to_dict("records")]
    table = pd.DataFrame(
        {
            CITY: [city_label(c, lang) for c in rows[CITY]],
            YEAR: rows[YEAR].astype("int64").to_numpy(),
            VALUE: [format_number(v, q) for v, q in zip(rows[VALUE], rows[QUALIFIER])],
            QUALIFIER: [t(QUALIFIER_LABELS[q], lang) for q in rows[QUALIFIER]],
            "unit": [indicators.unit_label(c, lang) for c in rows[UNIT_CODE]],
            SHOWN: shown,
            NOTE: [
                " ".join(filter(None, (note, conflict, t("indicator_figure.note", lang, note=own) if own else "")))
                for note, conflict, own in zip(notes, conflicts, labelled)
            ],
            "sources": rows[N_SOURCES].astype("int64").to_numpy(),
            SOURCE_TITLE: rows[SOURCE_TITLE].to_numpy(),
            SOURCE_URL: rows[SOURCE_URL].to_numpy(),
            **_denominator_columns(rows, measure, lang, text=True),
        }
    )
    if measure in RELATIVE_MEASURES:  # the ratio's unit and divisor beside the ratio
        order = list(table.columns)
        for column in ("denominator", "shown_unit"):
            order.insert(order.index(SHOWN) + 1, order.pop(order.index(column)))
        table = table[order]
    return table


def _denominator_columns(rows: pd.DataFrame, measure: str, lang: str, text: bool) -> dict:
    """A ratio's unit and its denominator (value, unit, source) as table columns; none for other measures.

    text=True: the denominator as a number with its unit ("931.47 10,000 persons"); else the float
    value and the unit label apart, for Excel, R or pandas."""
    if measure not in RELATIVE_MEASURES:
        return {}
    units = [shown_unit_label(c, measure, lang) for c in rows[UNIT_CODE]]
    below = rows[DENOMINATOR_VALUE].astype("float64")
    labels = ["" if pd.isna(c) else indicators.unit_label(c, lang) for c in rows[DENOMINATOR_UNIT_CODE]]
    if text:
        values = {"denominator": [f"{format_number(v)} {u}".strip() for v, u in zip(below, labels, strict=True)]}
    else:
        values = {DENOMINATOR_VALUE: below.to_numpy(), "denominator_unit": labels}
    return {
        "shown_unit": units,
        **values,
        DENOMINATOR_SOURCE_TITLE: rows[DENOMINATOR_SOURCE_TITLE].astype("object").to_numpy(),
        DENOMINATOR_SOURCE_URL: rows[DENOMINATOR_SOURCE_URL].astype("object").to_numpy(),
    }


def build_export_table(
    series: pd.DataFrame, measure: str, lang: str = "en", base_year: int | None = None
) -> pd.DataFrame:
    """The table behind a chart for Excel, R or pandas: tidy and typed, one row per city and year.

    Columns: indicator_id, indicator (its name in `lang`), city (the table's id), city_label, year
    (int64), value (float64, the published figure in the chart's unit, never text), qualifier (the
    code: exact, approx, lower_bound, preliminary), unit (label), measure, shown (float64: the index
    or growth rate, empty for absolute values and where none can be computed), note, source_title,
    source_url; for per-capita and per-GDP measures also shown_unit, denominator_value (float64),
    denominator_unit and the denominator's source_title and source_url. A gap is an absent row,
    never a filled one."""
    rows = series.sort_values([CITY, YEAR], kind="stable")
    display = build_view_table(rows, measure, lang, base_year)
    name = indicator_title_name(rows, lang) if len(rows) else ""  # one name per indicator, its notes per row
    return pd.DataFrame(
        {
            INDICATOR_ID: rows[INDICATOR_ID].to_numpy(),
            "indicator": name,
            CITY: rows[CITY].to_numpy(),
            "city_label": display[CITY].to_numpy(),
            YEAR: display[YEAR].to_numpy(),
            VALUE: rows[VALUE].astype("float64").to_numpy(),
            QUALIFIER: rows[QUALIFIER].to_numpy(),
            "unit": display["unit"].to_numpy(),
            "measure": measure,
            SHOWN: (rows[SHOWN] if measure != "absolute" else pd.Series(float("nan"), index=rows.index))
            .astype("float64")
            .to_numpy(),
            NOTE: display[NOTE].to_numpy(),
            SOURCE_TITLE: rows[SOURCE_TITLE].to_numpy(),
            SOURCE_URL: rows[SOURCE_URL].to_numpy(),
            **_denominator_columns(rows, measure, lang, text=False),
        }
    )


def list_sources(rows: pd.DataFrame) -> pd.DataFrame:
    """Every source behind the rows (all sources, not only the picked values), most values first.

    Columns: source_title, source_url, n_values (int64).
    """
    counts = rows.groupby([SOURCE_TITLE, SOURCE_URL], sort=False).size().rename(N_VALUES).reset_index()
    return (
        counts.sort_values(N_VALUES, ascending=False, kind="stable").reset_index(drop=True).astype({N_VALUES: "int64"})
    )


def build_compare_table(
    series: pd.DataFrame, indicator_id: str, cities: Sequence[str], lang: str = "en", measure: str = "absolute"
) -> pd.DataFrame:
    """Cities side by side by year (transforms.align_cities on the measure), as text for display.

    Columns: year (int64), then one column per city (display label) in the order given; a year
    without a value for a city is "" (never filled). Absolute values carry ≥ / ≈ for lower bounds and
    approximations; an index or growth rate that rests on such a value ends in " *" instead.
    """
    shown = series.assign(**{VALUE: series[SHOWN]}).dropna(subset=[VALUE])
    aligned = align_cities(shown, indicator_id, cities)
    years = shown[YEAR].astype("int64")
    qualifier = dict(zip(zip(shown[CITY], years), shown[QUALIFIER]))
    qualified = {key for key, note in zip(zip(shown[CITY], years), shown[NOTE]) if isinstance(note, str)}
    table = pd.DataFrame({YEAR: aligned.index.to_numpy(dtype="int64")})
    for city in cities:
        if measure == "absolute":
            texts = [format_number(v, qualifier.get((city, y), "exact")) for y, v in zip(aligned.index, aligned[city])]
        else:
            texts = [
                format_shown(v, measure) + (" *" if (city, y) in qualified else "")
                for y, v in zip(aligned.index, aligned[city])
            ]
        table[city_label(city, lang)] = ["" if text in ("", " *") else text for text in texts]
    return table


def convert_value(value: float, from_code: str | None, to_code: str) -> float | None:
    """`value` in unit `from_code` expressed in `to_code` by exact powers of ten (indicators.UNIT_SCALES).

    None when the units do not convert into each other; a target whose unit has no code (a counting
    word such as 家 matched to firms) is taken as written.
    """
    if from_code is None or from_code == to_code:
        return float(value)
    scales = indicators.UNIT_SCALES
    if from_code in scales and to_code in scales and scales[from_code][0] == scales[to_code][0]:
        return float(Decimal(repr(float(value))).scaleb(scales[from_code][1] - scales[to_code][1]))
    return None


def cities_without_data(df: pd.DataFrame, indicator_id: str, cities: Sequence[str]) -> list[str]:
    """The chosen cities that have no value at all for the indicator, in the order given."""
    present = set(df.loc[df[INDICATOR_ID] == indicator_id, CITY])
    return [c for c in cities if c not in present]


def count_coverage(rows: pd.DataFrame) -> tuple[int, int]:
    """(indicator-years with a value, all indicator-years from the first to the last year of the rows)."""
    if rows.empty:
        return 0, 0
    years = int(rows[YEAR].max()) - int(rows[YEAR].min()) + 1
    filled = len(rows[[INDICATOR_ID, YEAR]].drop_duplicates())
    return filled, rows[INDICATOR_ID].nunique() * years
