"""render_* helpers for the Coverage page's headline series: how much of the ten yearly series
2015-2024 has a published value, from a primary source or only a secondary compilation, per city.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.indicators.coverage import (
    HEADLINE_IDS,
    HEADLINE_YEARS,
    STATUS,
    STATUS_MARKS,
    coverage_matrix,
    coverage_shares,
    headline_coverage,
)
from policylens.indicators.labels import city_label, indicator_title_name
from policylens.markup import t_md
from policylens.ui.indicator_data import IndicatorData
from policylens.ui.widgets import exports
from policylens.ui.widgets import indicators as indicator_widgets

STATUS_LABELS = {  # one per coverage.STATUSES
    "primary": "coverage.headline.status.primary",
    "secondary": "coverage.headline.status.secondary",
    "missing": "coverage.headline.status.missing",
}
ROW_PX = 35  # st.dataframe's row height
YEAR_PX = 46  # a year column: "2015" and one mark
SHARES_EXPORT, GRID_EXPORT = "coverage.headline_shares", "coverage.headline_grid"


def render_headline_coverage(view: IndicatorData, cities: tuple[str, ...], lang: str) -> None:
    """The share of the headline grid each city has, and the grid of the chosen cities, with exports."""
    data = view.data
    ids = [i for i in HEADLINE_IDS if (data[schema.INDICATOR_ID] == i).any()]
    if not ids:
        return
    first, last = HEADLINE_YEARS
    st.subheader(t("coverage.headline.title", lang, first=first, last=last))
    st.caption(t("coverage.headline.intro", lang, n=len(ids), first=first, last=last))
    names = {i: indicator_title_name(data[data[schema.INDICATOR_ID] == i], lang) for i in ids}
    everyone = indicator_widgets.order_cities(data.loc[data[schema.INDICATOR_ID].isin(ids), schema.CITY])
    shares = coverage_shares(headline_coverage(data, everyone, ids))
    st.dataframe(
        shares.assign(**{schema.CITY: [city_label(c, lang) for c in shares[schema.CITY]]}),
        hide_index=True,
        column_config={
            schema.CITY: t("column.city", lang),
            "cells": t("coverage.headline.cells", lang),
            "sourced": t("coverage.headline.sourced", lang),
            "primary": t("coverage.headline.status.primary", lang),
            "secondary": t("coverage.headline.status.secondary", lang),
            "share_pct": st.column_config.NumberColumn(t("coverage.headline.share", lang), format="%.0f %%"),
        },
    )
    exports.render_table_exports(shares, SHARES_EXPORT, lang)
    grid = headline_coverage(data, cities, ids)
    st.caption(  # city names can come from an upload: escaped Markdown
        t_md(
            "coverage.headline.grid",
            lang,
            cities=("、" if lang == "zh" else ", ").join(city_label(c, lang) for c in cities),
            primary=STATUS_MARKS["primary"],
            secondary=STATUS_MARKS["secondary"],
        )
    )
    matrix = coverage_matrix(grid)
    matrix = matrix.assign(
        **{
            schema.CITY: [city_label(c, lang) for c in matrix[schema.CITY]],
            schema.INDICATOR_ID: [names[i] for i in matrix[schema.INDICATOR_ID]],
        }
    )
    st.dataframe(
        matrix,
        hide_index=True,
        height=ROW_PX * (len(matrix) + 1) + 3,  # every row visible: the grid is read as a whole
        column_config={
            # the labels stay in view when a narrow screen scrolls the years
            schema.CITY: st.column_config.TextColumn(t("column.city", lang), width=88, pinned=True),
            schema.INDICATOR_ID: st.column_config.TextColumn(t("column.indicator", lang), width=300, pinned=True),
            **{
                year: st.column_config.TextColumn(year, width=YEAR_PX, alignment="center")
                for year in matrix.columns
                if year.isdigit()
            },
        },
    )
    tidy = grid.assign(
        indicator=[names[i] for i in grid[schema.INDICATOR_ID]],
        status_label=[t(STATUS_LABELS[s], lang) for s in grid[STATUS]],
    )
    exports.render_table_exports(_tidy(tidy), GRID_EXPORT, lang)


def _tidy(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid for Excel, R or pandas: one row per city, indicator and year, the status as a code."""
    return grid[[schema.CITY, schema.INDICATOR_ID, "indicator", schema.YEAR, STATUS, "status_label", "n_rows"]]
