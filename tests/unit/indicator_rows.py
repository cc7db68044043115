"""Rows of the long indicator table for tests (imported as `indicator_rows`: pytest puts this
folder on sys.path). Each test file makes its own `row()` with the defaults its tests rely on."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from policylens import schema
from policylens.indicators.table import FULL_YEAR_NOTE

BASE_ROW = {
    schema.CITY: "Nanjing",
    schema.YEAR: 2017,
    schema.PILLAR: "strong",
    schema.INDICATOR_ID: "gdp",
    schema.INDICATOR_EN: "Gross domestic product",
    schema.INDICATOR_ZH: "地区生产总值",
    schema.VALUE: 100.0,
    schema.UNIT: "亿元",
    schema.UNIT_CODE: "100m_cny",
    schema.QUALIFIER: "exact",
    schema.PERIOD_NOTE: FULL_YEAR_NOTE,
    schema.SOURCE_TITLE: "Bulletin",
    schema.SOURCE_URL: "https://example.com/a",
    schema.SOURCE_QUOTE: "",
}


def row_factory(**defaults: object) -> Callable[..., dict[str, object]]:
    """`row(**overrides)`: one valid long-table row, BASE_ROW with `defaults`, then `overrides`."""

    def row(**overrides: object) -> dict[str, object]:
        return {**BASE_ROW, **defaults, **overrides}

    return row


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The in-memory table load_indicators would return for these rows."""
    return pd.DataFrame(rows, columns=list(schema.INDICATOR_COLUMNS)).astype(
        {schema.YEAR: "Int64", schema.VALUE: "float64"}
    )
