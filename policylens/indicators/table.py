"""Load and validate the long city-indicator table; coverage, conflict resolution and unit labels.

Values stay as published. The one rule for choosing between conflicting sources is
`pick_one_value_per_year`; data/indicators/README.md states the same rule in words.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from policylens import paths
from policylens.indicators.labels import FOCUS_CITY, split_row_label
from policylens.indicators.units import UNIT_SCALES
from policylens.schema import (
    CITY,
    CONFLICT,
    FIRST_YEAR,
    INDICATOR_COLUMNS,
    INDICATOR_EN,
    INDICATOR_ID,
    INDICATOR_ZH,
    LABEL_EN,
    LABEL_ZH,
    LAST_YEAR,
    N_CITIES,
    N_SOURCES,
    N_VALUES,
    N_YEARS,
    PERIOD_NOTE,
    PILLAR,
    PUBLISHED_UNIT_CODE,
    PUBLISHED_VALUE,
    QUALIFIER,
    QUALIFIERS,
    SOURCE_TITLE,
    SOURCE_URL,
    UNIT,
    UNIT_CODE,
    VALUE,
    YEAR,
)
from policylens.text.pillars import load_codebook

UNITS_TABLE = paths.UNITS_TABLE
LANGS = ("en", "zh")

# The conflict rule (see pick_one_value_per_year). A period note of exactly this text marks a
# full-year flow or a year-end stock; anything else is an as-of, as-stated or part-year value.
FULL_YEAR_NOTE = "calendar year / year-end"
# A revised figure is the publisher's current one (after a census or an economic census) and beats the
# figure first published; both beat an early estimate, a rounded figure and a bound.
QUALIFIER_PREFERENCE = ("revised", "exact", "preliminary", "approx", "lower_bound")
POPULATION_ID = "resident_population"  # 年末常住人口: the divisor of per-resident values (derived.py)
CONTEXT_INDICATOR_IDS = frozenset({POPULATION_ID})  # context for the pillars' series, not a pillar's measure
OFFICIAL_TITLE_MARKERS = ("统计局", "統計局", "统计公报", "統計公報")


_REQUIRED_TEXT = (CITY, PILLAR, INDICATOR_ID, UNIT_CODE, SOURCE_TITLE, SOURCE_URL)
_KEY = [CITY, INDICATOR_ID, YEAR]


class IndicatorError(ValueError):
    """An indicator table breaks its contract.

    Row numbers in the message count data rows from 1 (the header is not counted).
    """


def _rows(mask: pd.Series) -> str:
    numbers = [int(i) + 1 for i in mask[mask].index]
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(map(str, numbers))


def load_units(path: Path | str = UNITS_TABLE) -> pd.DataFrame:
    """Load the unit display labels. Columns: unit_code, label_en, label_zh."""
    units = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in (UNIT_CODE, LABEL_EN, LABEL_ZH) if c not in units.columns]
    if missing:
        raise IndicatorError(f"{Path(path).name}: missing columns {missing}")
    duplicated = units[UNIT_CODE].duplicated(keep=False)
    if duplicated.any():
        raise IndicatorError(f"{Path(path).name}: duplicate unit_code in {_rows(duplicated)}")
    return units


@lru_cache(maxsize=1)
def _unit_labels() -> dict[tuple[str, str], str]:
    units = load_units()
    return {
        (code, lang): label
        for lang, column in (("en", LABEL_EN), ("zh", LABEL_ZH))
        for code, label in zip(units[UNIT_CODE], units[column], strict=True)
    }


def unit_label(unit_code: str, lang: str = "en") -> str:
    """Return the display label of a unit code in "en" or "zh"; KeyError for an unknown code."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    try:
        return _unit_labels()[(unit_code, lang)]
    except KeyError:
        raise KeyError(f"unknown unit_code {unit_code!r}; add it to {UNITS_TABLE.name}") from None


@functools.cache
def shipped_pillar_ids() -> tuple[str, ...]:
    """The pillar ids of the shipped codebook (data/pillars.toml), in its order: the pillars the
    bundled table may name, and the order headline indicators follow."""
    return load_codebook().ids


def load_indicators(path: Path | str = paths.INDICATORS_TABLE) -> pd.DataFrame:
    """Load and validate the long indicator table, one row per city, year, indicator and source.

    Columns: schema.INDICATOR_COLUMNS (city, year, pillar, indicator_id, indicator_en,
    indicator_zh, value, unit, unit_code, qualifier, period_note, source_title, source_url,
    source_quote); year is Int64, value float64, the rest text. Raises IndicatorError listing
    every problem with its row numbers.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in INDICATOR_COLUMNS if c not in raw.columns]
    if missing:
        raise IndicatorError(f"{Path(path).name}: missing columns {missing}")
    raw = raw.loc[:, list(INDICATOR_COLUMNS)]
    problems: list[str] = []

    def check(mask: pd.Series, what: str) -> None:
        if mask.any():
            problems.append(f"{what} in {_rows(mask)}")

    for column in _REQUIRED_TEXT:
        check(raw[column].str.strip() == "", f"empty {column}")
    check(~raw[YEAR].str.fullmatch(r"\d{4}"), "year is not a four-digit year")
    values = pd.to_numeric(raw[VALUE], errors="coerce")
    check(values.isna() | values.isin([float("inf"), float("-inf")]), "non-numeric value")
    check(~raw[PILLAR].isin(shipped_pillar_ids()), f"unknown pillar (allowed: {', '.join(shipped_pillar_ids())})")
    check(~raw[QUALIFIER].isin(QUALIFIERS), f"unknown qualifier (allowed: {', '.join(QUALIFIERS)})")
    check(~raw[UNIT_CODE].isin(load_units()[UNIT_CODE]), f"unit_code not in {UNITS_TABLE.name}")
    identity = [CITY, YEAR, INDICATOR_ID, SOURCE_URL]
    n_values = values.groupby([raw[c] for c in identity]).transform("nunique")
    check(n_values > 1, "same city, year, indicator_id and source_url with different values")
    if problems:
        raise IndicatorError(f"{Path(path).name}: " + "; ".join(problems))
    return raw.assign(**{YEAR: raw[YEAR].astype("Int64"), VALUE: values.astype("float64")})


def base_values(values: pd.Series, codes: pd.Series) -> pd.Series:
    """Values in their base unit by exact powers of ten (亿元 -> CNY, 万家 -> firms); codes without a
    scale stay as they are, NaN stays NaN."""
    return pd.Series(
        [float(Decimal(str(v)).scaleb(UNIT_SCALES.get(c, (c, 0))[1])) for v, c in zip(values, codes, strict=True)],
        index=values.index,
    )


def _is_official(title: str, url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith(".gov.cn") or any(m in title for m in OFFICIAL_TITLE_MARKERS)


_RANKS = ("_period", "_qualifier", "_official", "_order")  # the conflict rule's four steps, in order


def _rank(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with the rule's rank columns (_RANKS; lower wins), n_sources, conflict and _value_key."""
    ranked = df.reset_index(drop=True)
    base = ranked[UNIT_CODE].map(lambda c: UNIT_SCALES.get(c, (c, 0))[0])
    ranked = ranked.assign(
        _period=(ranked[PERIOD_NOTE] != FULL_YEAR_NOTE).astype(int),
        _qualifier=ranked[QUALIFIER].map({q: i for i, q in enumerate(QUALIFIER_PREFERENCE)}),
        _official=[
            0 if _is_official(t, u) else 1 for t, u in zip(ranked[SOURCE_TITLE], ranked[SOURCE_URL], strict=True)
        ],
        _order=range(len(ranked)),
        _value_key=base + ":" + base_values(ranked[VALUE], ranked[UNIT_CODE]).astype(str),
    )
    groups = ranked.groupby(_KEY, sort=False)
    return ranked.assign(
        **{
            N_SOURCES: groups[SOURCE_URL].transform("nunique").astype("int64"),
            CONFLICT: groups["_value_key"].transform("nunique") > 1,
        }
    ).sort_values(list(_RANKS), kind="stable")


def pick_one_value_per_year(df: pd.DataFrame) -> pd.DataFrame:
    """Pick one row per (city, indicator_id, year) by the documented conflict rule.

    Rule, applied in order until one row is left:
    1. a full-year / year-end row (period_note == FULL_YEAR_NOTE) beats an as-of or part-year row;
    2. qualifier: revised, then exact, then preliminary, then approx, then lower_bound;
    3. an official source (host ending in .gov.cn, or a title naming a statistics bureau or
       statistical bulletin: 统计局 / 统计公报) beats a reprint or press report;
    4. the row that comes first in the table.
    Columns: the input columns plus n_sources (distinct source_url) and conflict (True when the
    sources give more than one value, compared in base units), sorted by city, indicator_id, year.
    """
    picked = _rank(df).drop_duplicates(_KEY, keep="first").sort_values(_KEY, kind="stable")
    helpers = [c for c in picked.columns if c.startswith("_")]
    return picked.drop(columns=helpers).reset_index(drop=True)


def explain_conflicts(df: pd.DataFrame) -> pd.DataFrame:
    """Every (city, indicator_id, year) whose sources disagree: the picked row and why it won.

    Columns: city, year (int64), indicator_id, the picked row's value, unit_code, qualifier and
    source_title, rule (int64: the step of pick_one_value_per_year that decided, 1-4) and others
    (the other rows' values as "value unit_code", in rule order); sorted by city, indicator_id, year.
    """
    ranked = _rank(df)
    out = []
    for key, group in ranked[ranked[CONFLICT]].groupby(_KEY, sort=True):
        first, second = group.iloc[0], group.iloc[1]
        rule = next(n for n, column in enumerate(_RANKS, start=1) if first[column] != second[column])
        others = [f"{v:g} {c}" for v, c in zip(group[VALUE].iloc[1:], group[UNIT_CODE].iloc[1:], strict=True)]
        out.append(
            {
                CITY: key[0],
                YEAR: int(key[2]),
                INDICATOR_ID: key[1],
                VALUE: float(first[VALUE]),
                UNIT_CODE: first[UNIT_CODE],
                QUALIFIER: first[QUALIFIER],
                SOURCE_TITLE: first[SOURCE_TITLE],
                "rule": rule,
                "others": ", ".join(others),
            }
        )
    columns = [CITY, YEAR, INDICATOR_ID, VALUE, UNIT_CODE, QUALIFIER, SOURCE_TITLE, "rule", "others"]
    return pd.DataFrame(out, columns=columns).astype({YEAR: "int64", "rule": "int64"})


def chart_unit(codes: pd.Series) -> str:
    """The unit an indicator is charted in: its finest unit (smallest power of ten), so that
    values convert to whole numbers (1.6 万亿元 -> 16000 亿元); ties go to the first code."""
    return min(pd.unique(codes), key=lambda code: UNIT_SCALES.get(code, (code, 0))[1])


def harmonise_units(df: pd.DataFrame) -> pd.DataFrame:
    """Express every indicator in one unit (see chart_unit) by exact powers of ten.

    For charts only: the committed table keeps values as published. Columns: the input columns,
    with value and unit_code converted, plus published_value and published_unit_code.
    Raises IndicatorError when one indicator mixes units that are not powers of ten apart.
    """
    target = df.groupby(INDICATOR_ID, sort=False)[UNIT_CODE].transform(chart_unit)
    scale = [
        (UNIT_SCALES.get(c, (c, 0)), UNIT_SCALES.get(t, (t, 0))) for c, t in zip(df[UNIT_CODE], target, strict=True)
    ]
    mixed = sorted({i for i, (s, t) in zip(df[INDICATOR_ID], scale, strict=True) if s[0] != t[0]})
    if mixed:
        raise IndicatorError(f"units that do not convert into each other within {mixed}")
    converted = [float(Decimal(str(v)).scaleb(s[1] - t[1])) for v, (s, t) in zip(df[VALUE], scale, strict=True)]
    return df.assign(
        **{
            PUBLISHED_VALUE: df[VALUE],
            PUBLISHED_UNIT_CODE: df[UNIT_CODE],
            VALUE: pd.Series(converted, index=df.index, dtype="float64"),
            UNIT_CODE: target,
        }
    )


def summarise_coverage(df: pd.DataFrame) -> pd.DataFrame:
    """Count published values per city, indicator and year.

    Columns: city, indicator_id, year (Int64), n_values (int64); sorted by those keys.
    """
    counts = df.groupby([CITY, INDICATOR_ID, YEAR]).size().rename(N_VALUES).reset_index()
    return counts.astype({YEAR: "Int64", N_VALUES: "int64"})


def _most_common(values: pd.Series) -> str:
    """Most frequent value; ties go to the one that appears first."""
    counts = values.value_counts(sort=False)
    return str(counts.index[counts.argmax()])


def _most_common_name(labels: pd.Series) -> str:
    """The most frequent label without its note (a row's "(secondary compilation)" is not the name)."""
    return _most_common(labels.map(lambda label: split_row_label(label)[0] if isinstance(label, str) else label))


def list_indicators(df: pd.DataFrame, pillars: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per indicator, ordered by pillar (new, strong, fusion) then indicator_id.

    Columns: pillar, indicator_id, indicator_en, indicator_zh (the most common names, without the
    notes some rows' labels carry; ties go to the first), unit_code (the chart unit, see chart_unit),
    n_years, n_cities, first_year, last_year.
    """
    if pillars is not None:
        df = df[df[PILLAR].isin(pillars)]
    grouped = df.groupby(INDICATOR_ID, sort=False)
    table = (
        pd.DataFrame(
            {
                PILLAR: grouped[PILLAR].agg(_most_common),
                INDICATOR_EN: grouped[INDICATOR_EN].agg(_most_common_name),
                INDICATOR_ZH: grouped[INDICATOR_ZH].agg(_most_common_name),
                UNIT_CODE: grouped[UNIT_CODE].agg(chart_unit),
                N_YEARS: grouped[YEAR].nunique().astype("int64"),
                N_CITIES: grouped[CITY].nunique().astype("int64"),
                FIRST_YEAR: grouped[YEAR].min().astype("Int64"),
                LAST_YEAR: grouped[YEAR].max().astype("Int64"),
            }
        )
        .rename_axis(INDICATOR_ID)
        .reset_index()
    )
    order = table[PILLAR].map({p: i for i, p in enumerate(shipped_pillar_ids())})
    table = table.assign(_order=order).sort_values(["_order", INDICATOR_ID], kind="stable")
    columns = [PILLAR, INDICATOR_ID, INDICATOR_EN, INDICATOR_ZH, UNIT_CODE, N_YEARS, N_CITIES, FIRST_YEAR, LAST_YEAR]
    return table.loc[:, columns].reset_index(drop=True)


def select_headline_indicators(df: pd.DataFrame, city: str = FOCUS_CITY, per_pillar: int = 2) -> pd.DataFrame:
    """For each pillar, the city's `per_pillar` indicators with most years, at their latest year.

    Ties go to the later latest year, then to indicator_id. Context series (CONTEXT_INDICATOR_IDS:
    the resident population, a divisor for per-resident values) are no pillar's headline. The value
    is the one picked by pick_one_value_per_year. Columns: pillar, indicator_id, indicator_en, indicator_zh, n_years,
    year, value, qualifier, unit, unit_code, source_title, source_url, conflict.
    """
    picked = pick_one_value_per_year(df[(df[CITY] == city) & ~df[INDICATOR_ID].isin(CONTEXT_INDICATOR_IDS)])
    picked = picked.assign(**{N_YEARS: picked.groupby(INDICATOR_ID)[YEAR].transform("nunique")})
    latest = picked.sort_values(YEAR, kind="stable").drop_duplicates(INDICATOR_ID, keep="last")
    latest = latest.assign(_order=latest[PILLAR].map({p: i for i, p in enumerate(shipped_pillar_ids())}))
    latest = latest.sort_values(
        ["_order", N_YEARS, YEAR, INDICATOR_ID], ascending=[True, False, False, True], kind="stable"
    )
    top = latest.groupby(PILLAR, sort=False).head(per_pillar)
    columns = [
        PILLAR,
        INDICATOR_ID,
        INDICATOR_EN,
        INDICATOR_ZH,
        N_YEARS,
        YEAR,
        VALUE,
        QUALIFIER,
        UNIT,
        UNIT_CODE,
        SOURCE_TITLE,
        SOURCE_URL,
        CONFLICT,
    ]
    return top.loc[:, columns].astype({N_YEARS: "int64"}).reset_index(drop=True)
