"""How complete the headline series are: per city, indicator and year, whether a published value exists,
from a primary source or only from a secondary compilation, or not at all.

The headline indicators are the ten yearly series every city publishes (statistical bulletin, work
report, science bureau). A cell counts as sourced when at least one row of the table gives the
value for that city, indicator and year; gaps are gaps, never filled.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from policylens.schema import CITY, INDICATOR_EN, INDICATOR_ID, SOURCE_TITLE, YEAR

HEADLINE_IDS = (
    "gdp",
    "above_scale_industrial_va",
    "high_tech_industry_output_share_pct",
    "rd_expenditure",
    "rd_intensity_pct",
    "high_tech_enterprises",
    "tech_contract_turnover",
    "invention_patents_per_10k",
    "college_students",
    "resident_population",
)
HEADLINE_YEARS = (2015, 2024)  # first and last year of the headline series
STATUSES = ("primary", "secondary", "missing")
STATUS_MARKS = {"primary": "●", "secondary": "○", "missing": ""}  # how a grid cell shows its status
SECONDARY_MARK = "secondary compilation"  # how a row names a source that is not the publisher's own
STATUS = "status"
N_ROWS = "n_rows"


def is_secondary(df: pd.DataFrame) -> pd.Series:
    """True for rows whose source is a secondary compilation (a ranking, a reprint table): the source
    title or the indicator label says "secondary compilation"."""
    marked = df[SOURCE_TITLE].fillna("").str.contains(SECONDARY_MARK, case=False, regex=False)
    return marked | df[INDICATOR_EN].fillna("").str.contains(SECONDARY_MARK, case=False, regex=False)


def headline_coverage(
    df: pd.DataFrame,
    cities: Sequence[str],
    indicator_ids: Sequence[str] = HEADLINE_IDS,
    years: tuple[int, int] = HEADLINE_YEARS,
) -> pd.DataFrame:
    """One row per city, indicator and year of the grid: status "primary" (a value from a primary
    source), "secondary" (values only from secondary compilations) or "missing", and n_rows (int64).

    Columns: city, indicator_id, year (int64), status, n_rows; in the order of `cities`,
    `indicator_ids` and years.
    """
    rows = df[df[INDICATOR_ID].isin(list(indicator_ids)) & df[CITY].isin(list(cities))]
    rows = rows.assign(_secondary=is_secondary(rows), _year=rows[YEAR].astype("int64"))
    grouped = rows.groupby([CITY, INDICATOR_ID, "_year"])["_secondary"].agg(["size", "all"])
    grid = pd.MultiIndex.from_product(
        [list(cities), list(indicator_ids), range(years[0], years[1] + 1)], names=[CITY, INDICATOR_ID, "_year"]
    )
    cells = grouped.reindex(grid)
    status = ["missing" if pd.isna(n) else "secondary" if only else "primary" for n, only in cells.to_numpy()]
    out = cells.reset_index().rename(columns={"_year": YEAR})
    return pd.DataFrame(
        {
            CITY: out[CITY],
            INDICATOR_ID: out[INDICATOR_ID],
            YEAR: out[YEAR].astype("int64"),
            STATUS: status,
            N_ROWS: out["size"].fillna(0).astype("int64"),
        }
    )


def coverage_shares(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per city: cells, sourced (primary or secondary), primary, secondary (int64) and share_pct
    (sourced / cells × 100, float64), in the order the cities come."""
    order = list(dict.fromkeys(coverage[CITY]))
    counts = pd.crosstab(coverage[CITY], coverage[STATUS]).reindex(index=order, columns=list(STATUSES), fill_value=0)
    cells = counts.sum(axis=1)
    sourced = counts["primary"] + counts["secondary"]
    return pd.DataFrame(
        {
            CITY: order,
            "cells": cells.to_numpy(dtype="int64"),
            "sourced": sourced.to_numpy(dtype="int64"),
            "primary": counts["primary"].to_numpy(dtype="int64"),
            "secondary": counts["secondary"].to_numpy(dtype="int64"),
            "share_pct": (100 * sourced / cells).to_numpy(dtype="float64"),
        }
    )


def coverage_matrix(coverage: pd.DataFrame, marks: dict[str, str] = STATUS_MARKS) -> pd.DataFrame:
    """The coverage as a grid for reading: one row per city and indicator, one column per year, each
    cell the mark of its status (STATUS_MARKS: ● primary, ○ secondary only, "" missing)."""
    wide = coverage.assign(_mark=coverage[STATUS].map(marks)).pivot(
        index=[CITY, INDICATOR_ID], columns=YEAR, values="_mark"
    )
    order = pd.MultiIndex.from_frame(coverage[[CITY, INDICATOR_ID]].drop_duplicates())
    wide = wide.reindex(order)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()
