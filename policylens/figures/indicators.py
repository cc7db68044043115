"""Plotly figures for the city indicators: one indicator over years or across cities, and coverage.

Values are drawn as published (gaps stay gaps, nothing is interpolated); qualifiers get their own
marker symbols and every figure carries its sources inside the figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go

from policylens import schema
from policylens.figures.indicator_axes import (
    _shorten,
    set_value_axis,
    style_indicator_figure,
)
from policylens.figures.style import GAP_COLOR, apply_style
from policylens.i18n import t
from policylens.indicators import table as indicators
from policylens.indicators import units
from policylens.indicators.labels import FOCUS_CITY, QUALIFIER_PREFIXES, city_label, indicator_title_name, row_note
from policylens.markup import escape_plotly

FULL_YEAR = indicators.FULL_YEAR_NOTE

LEGEND_MARKER_COLOR = "#6b6b6b"
# One colour per city on every chart, whatever the pillar (Paul Tol's muted scheme): none is a pillar
# colour of the codebook (blue, orange, teal) or the general grey, and neighbours in the list differ.
CITY_COLORS = {
    FOCUS_CITY: "#882255",  # Nanjing: wine
    "Suzhou": "#117733",
    "Hangzhou": "#332288",
    "Hefei": "#999933",
    "Wuhan": "#CC6677",
    "Shenzhen": "#AA4499",
    "Guangzhou": "#661100",
}
EXTRA_COLORS = ("#7f7f7f", "#bcbd22", "#8c564b", "#e377c2")
QUALIFIER_SYMBOLS = {
    "exact": "circle",
    "lower_bound": "triangle-up",
    "approx": "circle-open",
    "preliminary": "diamond",
    "revised": "square",
}
QUALIFIER_NOTE_LABELS = {
    "lower_bound": "indicator_figure.qualifier.lower_bound",
    "approx": "indicator_figure.qualifier.approx",
    "preliminary": "indicator_figure.qualifier.preliminary",
    "revised": "indicator_figure.qualifier.revised",
}
QUALIFIER_LEGEND_LABELS = {
    "lower_bound": "indicator_figure.legend.lower_bound",
    "approx": "indicator_figure.legend.approx",
    "preliminary": "indicator_figure.legend.preliminary",
    "revised": "indicator_figure.legend.revised",
}


def city_color(city: str) -> str:
    """The city's one colour on every chart (an unknown city: a stable pick from EXTRA_COLORS)."""
    return CITY_COLORS.get(city, EXTRA_COLORS[sum(map(ord, city)) % len(EXTRA_COLORS)])


def _order_cities(cities: list[str]) -> list[str]:
    known = list(CITY_COLORS)  # the focus city first
    return sorted(set(cities), key=lambda c: (known.index(c) if c in known else len(known), c))


def format_value(value: float, unit_code: str, qualifier: str, lang: str = "en") -> str:
    """Value with unit and qualifier, e.g. "≥ 8,800 firms (lower bound)", "≈ 29% (approximate)";
    amounts as people write them (units.format_amount: "1.6908万亿元", "1.6908 trillion CNY")."""
    number = f"{value:,.12g}"
    label = indicators.unit_label(unit_code, lang)
    if unit_code == "rank":
        text = t("indicator_figure.rank_value", lang, value=number)
    elif units.is_amount(unit_code):
        text = units.format_amount(value, unit_code, lang)
    else:
        text = number + ("" if label.startswith("%") or lang == "zh" else " ") + label
    text = QUALIFIER_PREFIXES.get(qualifier, "") + text
    if qualifier != "exact":
        note = t(QUALIFIER_NOTE_LABELS[qualifier], lang)
        text += f"（{note}）" if lang == "zh" else f" ({note})"
    return text


def _hover(row: pd.Series, others: pd.DataFrame, lang: str) -> str:
    """Hover text for one picked value; every piece of data text is escaped."""
    point = t("indicator_figure.point", lang, city=city_label(row[schema.CITY], lang), year=row[schema.YEAR])
    value = format_value(row[schema.VALUE], row[schema.UNIT_CODE], row[schema.QUALIFIER], lang)
    lines = [f"<b>{escape_plotly(point)}</b>", escape_plotly(value)]
    published_unit = row[indicators.PUBLISHED_UNIT_CODE]
    if published_unit != row[schema.UNIT_CODE]:
        published = format_value(row[indicators.PUBLISHED_VALUE], published_unit, "exact", lang)
        lines.append(escape_plotly(t("indicator_figure.as_published", lang, value=published)))
    if row[schema.PERIOD_NOTE] and row[schema.PERIOD_NOTE] != FULL_YEAR:
        lines.append(escape_plotly(row[schema.PERIOD_NOTE]))
    if note := row_note(row, lang):  # the row's own note, never the chart's title
        lines.append(escape_plotly(t("indicator_figure.note", lang, note=note)))
    host = urlsplit(row[schema.SOURCE_URL]).hostname or row[schema.SOURCE_URL]
    lines.append(
        escape_plotly(t("indicator_figure.source_line", lang, title=_shorten(row[schema.SOURCE_TITLE]), host=host))
    )
    if row[indicators.CONFLICT]:
        values = "; ".join(
            format_value(o[schema.VALUE], o[schema.UNIT_CODE], o[schema.QUALIFIER], lang)
            + ("" if o[schema.PERIOD_NOTE] == FULL_YEAR else " " + o[schema.PERIOD_NOTE])
            for _, o in others.iterrows()
        )
        lines.append(escape_plotly(t("indicator_figure.conflict", lang, n=row[indicators.N_SOURCES], others=values)))
    return "<br>".join(lines)


def _qualifier_legend(qualifiers: pd.Series, lang: str) -> list[go.Scatter]:
    """Legend-only traces explaining the marker symbols of the non-exact qualifiers present."""
    present = [q for q in QUALIFIER_SYMBOLS if q != "exact" and q in set(qualifiers)]
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t(QUALIFIER_LEGEND_LABELS[q], lang),
            marker=_marker([QUALIFIER_SYMBOLS[q]], LEGEND_MARKER_COLOR),
            hoverinfo="skip",
            legendgroup="qualifier",
        )
        for q in present
    ]


def _marker(symbols: list[str], color: str | list[str]) -> dict:
    return dict(symbol=symbols, size=10, color=color, line=dict(width=2, color=color))


def _add_year_lines(fig: go.Figure, picked: pd.DataFrame, hover: dict, lang: str) -> None:
    """One trace per city over every year from its first to its last; None where no value."""
    for city in _order_cities(list(picked[schema.CITY])):
        series = picked[picked[schema.CITY] == city].set_index(schema.YEAR)
        years = list(range(int(series.index.min()), int(series.index.max()) + 1))
        found = [year in series.index for year in years]
        color = city_color(city)
        mode = "lines+markers" if len(series) >= 2 else "markers"
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[series.at[y, schema.VALUE] if f else None for y, f in zip(years, found)],
                mode=mode,
                connectgaps=False,
                name=escape_plotly(city_label(city, lang)),
                line=dict(color=color, width=2),
                marker=_marker(
                    [
                        QUALIFIER_SYMBOLS[series.at[y, schema.QUALIFIER]] if f else "circle"
                        for y, f in zip(years, found)
                    ],
                    color,
                ),
                hovertext=[hover[(city, y)] if f else "" for y, f in zip(years, found)],
                hoverinfo="text",
                legendgroup=city,
                showlegend=False,
            )
        )
        # Legend proxy with a plain circle: the data trace's first symbol may be a qualifier's.
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode=mode,
                name=escape_plotly(city_label(city, lang)),
                legendgroup=city,
                line=dict(color=color, width=2),
                marker=_marker(["circle"], color),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=t("indicator_figure.year", lang), dtick=1, tickformat="d")


def _add_city_values(fig: go.Figure, picked: pd.DataFrame, hover: dict, lang: str, is_rank: bool) -> None:
    """Value chart: one bar per city (a marker for ranks), qualifier symbols on top."""
    picked = picked.sort_values(schema.VALUE, ascending=is_rank, kind="stable")
    same_year = picked[schema.YEAR].nunique() == 1
    labels = [
        escape_plotly(
            city_label(c, lang)
            if same_year
            else t("indicator_figure.city_year", lang, city=city_label(c, lang), year=y)
        )
        for c, y in zip(picked[schema.CITY], picked[schema.YEAR])
    ]
    colors = [city_color(c) for c in picked[schema.CITY]]
    unit_code = picked[schema.UNIT_CODE].iloc[0]
    power = units.amount_power(list(picked[schema.VALUE]), unit_code) if units.is_amount(unit_code) else 0
    texts = [  # as the axis reads: 万/亿 in Chinese, the axis title's scale in English
        QUALIFIER_PREFIXES.get(q, "")
        + ("#" if is_rank else "")
        + (
            units.format_amount(v, unit_code, lang, power=None if lang == "zh" else power, unit=lang == "zh")
            if units.is_amount(unit_code)
            else f"{v:,.12g}"
        )
        for v, q in zip(picked[schema.VALUE], picked[schema.QUALIFIER])
    ]
    hovertext = [hover[k] for k in zip(picked[schema.CITY], picked[schema.YEAR])]
    symbols = [QUALIFIER_SYMBOLS[q] for q in picked[schema.QUALIFIER]]
    values = list(picked[schema.VALUE])
    if is_rank:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=values,
                mode="markers+text",
                text=texts,
                marker=_marker(symbols, colors),
                textposition="middle right",
                hovertext=hovertext,
                hoverinfo="text",
                showlegend=False,
            )
        )
    else:
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                marker_color=colors,
                text=texts,
                width=0.6,
                textposition="outside",
                cliponaxis=False,
                hovertext=hovertext,
                hoverinfo="text",
                showlegend=False,
            )
        )
        inexact = [q != "exact" for q in picked[schema.QUALIFIER]]
        if any(inexact):
            keep = [i for i, flag in enumerate(inexact) if flag]
            fig.add_trace(
                go.Scatter(
                    x=[labels[i] for i in keep],
                    y=[values[i] for i in keep],
                    mode="markers",
                    marker=_marker([symbols[i] for i in keep], LEGEND_MARKER_COLOR),
                    hovertext=[hovertext[i] for i in keep],
                    hoverinfo="text",
                    showlegend=False,
                )
            )
    title = (
        t("indicator_figure.city_in_year", lang, year=picked[schema.YEAR].iloc[0])
        if same_year
        else t("indicator_figure.city", lang)
    )
    fig.update_xaxes(title_text=title, type="category")


def build_indicator_figure(df_one_indicator: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Chart one indicator from long-table rows (all sources, one or more cities).

    A city with two or more years gets a line over every year from its first to its last, with
    None in missing years so the line breaks (connectgaps=False). If no city has two years, the
    chart is a value chart: bars per city (markers for ranks). Values are in the indicator's
    chart unit (indicators.harmonise_units); conflicts are resolved by
    indicators.pick_one_value_per_year and flagged in hover; ranks are drawn with 1 at the top.
    """
    ids = df_one_indicator[schema.INDICATOR_ID].unique()
    if len(ids) != 1:
        raise ValueError(f"expected rows of exactly one indicator, got {list(ids)}")
    info = indicators.list_indicators(df_one_indicator).iloc[0]
    rows = indicators.harmonise_units(df_one_indicator)
    picked = indicators.pick_one_value_per_year(rows)
    unit_code = info[schema.UNIT_CODE]
    is_rank = unit_code == "rank"
    by_point = dict(list(rows.groupby([schema.CITY, schema.YEAR], sort=False)))
    hover = {}
    for _, row in picked.iterrows():
        point = (row[schema.CITY], row[schema.YEAR])
        same = by_point[point]
        hover[point] = _hover(row, same[same[schema.SOURCE_URL] != row[schema.SOURCE_URL]], lang)

    fig = go.Figure()
    if (picked.groupby(schema.CITY)[schema.YEAR].nunique() >= 2).any():
        _add_year_lines(fig, picked, hover, lang)
    else:
        _add_city_values(fig, picked, hover, lang, is_rank)
    for trace in _qualifier_legend(picked[schema.QUALIFIER], lang):
        fig.add_trace(trace)
    unit = indicators.unit_label(unit_code, lang)
    if is_rank:
        fig.update_yaxes(title_text=t("indicator_figure.rank_axis", lang, label=unit), autorange="reversed")
    else:
        fig.update_yaxes(title_text=unit, rangemode="tozero")
    title = indicator_title_name(rows, lang)  # the name only (OWID): the unit is the axis title, a note is hover
    fig = style_indicator_figure(fig, title, picked[schema.SOURCE_TITLE], lang, unit_code)
    return set_value_axis(fig, log=False)


def build_coverage_figure(
    coverage_df: pd.DataFrame,
    lang: str = "en",
    indicator_labels: Mapping[str, str] | None = None,
    source: str | None = None,
) -> go.Figure:
    """Indicator × year matrix of squares from indicators.summarise_coverage output.

    One square per city, indicator and year with a value (side by side when several cities are
    shown), and open grey squares where no city has a value. `indicator_labels` maps
    indicator_id to a display label; `source` overrides the default source line.
    """
    labels = dict(indicator_labels or {})
    ids = sorted(coverage_df[schema.INDICATOR_ID].unique())
    names = {i: labels.get(i, i) for i in ids}  # plain text; escape_plotly(names[i]) on the figure
    first, last = int(coverage_df[schema.YEAR].min()), int(coverage_df[schema.YEAR].max())
    years = list(range(first, last + 1))
    cities = _order_cities(list(coverage_df[schema.CITY]))
    step = 0.6 / max(len(cities) - 1, 1)
    size = max(5, 14 - 2 * (len(cities) - 1))
    filled = set(zip(coverage_df[schema.INDICATOR_ID], coverage_df[schema.YEAR]))
    gaps = [(i, y) for i in ids for y in years if (i, y) not in filled]
    fig = go.Figure(
        go.Scatter(
            x=[y for _, y in gaps],
            y=[escape_plotly(names[i]) for i, _ in gaps],
            mode="markers",
            name=t("indicator_figure.coverage.gap", lang),
            customdata=[i for i, _ in gaps],  # a click selects the indicator (linked views)
            marker=dict(symbol="square-open", size=14, color=GAP_COLOR),
            hovertext=[
                escape_plotly(t("indicator_figure.coverage.gap_hover", lang, indicator=names[i], year=y))
                for i, y in gaps
            ],
            hoverinfo="text",
        )
    )
    for n, city in enumerate(cities):
        rows = coverage_df[coverage_df[schema.CITY] == city]
        name = city_label(city, lang)
        offset = (n - (len(cities) - 1) / 2) * step if len(cities) > 1 else 0.0
        fig.add_trace(
            go.Scatter(
                x=[int(y) + offset for y in rows[schema.YEAR]],
                y=[escape_plotly(names[i]) for i in rows[schema.INDICATOR_ID]],
                mode="markers",
                name=escape_plotly(name),
                customdata=list(rows[schema.INDICATOR_ID]),
                marker=dict(symbol="square", size=size, color=city_color(city)),
                hovertext=[
                    escape_plotly(
                        t("indicator_figure.coverage.hover", lang, city=name, indicator=names[i], year=y, n=k)
                    )
                    for i, y, k in zip(rows[schema.INDICATOR_ID], rows[schema.YEAR], rows[indicators.N_VALUES])
                ],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(
        title_text=t("indicator_figure.year", lang),
        tickvals=years,
        ticktext=[str(y) for y in years],
        range=[years[0] - 0.6, years[-1] + 0.6],
    )
    fig.update_yaxes(
        title_text=None,
        type="category",
        categoryorder="array",
        categoryarray=[escape_plotly(names[i]) for i in reversed(ids)],
        showgrid=False,
    )
    fig.update_layout(height=160 + 22 * len(ids))
    return apply_style(
        fig, t("indicator_figure.coverage.title", lang), source or t("indicator_figure.coverage.source", lang)
    )
