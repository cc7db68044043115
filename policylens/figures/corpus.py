"""Plotly builders for the corpus views: documents over time and by place, pillar shares over time
and by place, term trends with each term's first appearance, the keyness of two sub-corpora, and a
pillar's share of the text beside indicator series on one time axis.

Builders take the tidy tables of policylens.corpus.queries (and of the indicator table) and return
figures with title, axis titles and source line inside, like every other PolicyLens chart. A period
with no documents is a gap in a line, never a zero (corpus.queries.period_range gives the axis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from policylens.figures.style import apply_style
from policylens.figures.text import GENERAL_COLOR, pillar_color, pillar_label
from policylens.i18n import t
from policylens.markup import escape_plotly
from policylens.text.pillars import Codebook

# Paul Tol's bright scheme, for terms and places (pillars keep their codebook colours).
SERIES_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000")
SIDE_COLORS = ("#4477AA", "#EE6677")  # sub-corpus A, B
HEATMAP_SCALE = "Blues"
PERIOD_AXIS_LABELS = {
    "year": "figure.corpus.period.year",
    "quarter": "figure.corpus.period.quarter",
    "month": "figure.corpus.period.month",
}
FIELD_LABELS = {  # the metadata fields of a corpus (corpus.sources.METADATA_FIELDS) and the file name
    "title": "corpus.field.title",
    "date": "corpus.field.date",
    "place": "corpus.field.place",
    "level": "corpus.field.level",
    "issuer": "corpus.field.issuer",
    "type": "corpus.field.type",
    "source_url": "corpus.field.source_url",
    "name": "corpus.field.name",
}


def field_in_text(field: str, lang: str) -> str:
    """A metadata field's name inside a sentence ("Documents by place"): its label, lowercased."""
    return t(FIELD_LABELS[field], lang).lower()


def _empty(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=escape_plotly(text), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def _period_axis(fig: go.Figure, periods: Sequence[str], by: str, lang: str, **where) -> None:
    """Periods as categories in time order, every period shown (gaps included)."""
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(periods),
        title_text=t(PERIOD_AXIS_LABELS[by], lang),
        **where,
    )


def _period_line(rows: pd.DataFrame, column: str, periods: Sequence[str], key: str, name: str, line: dict, hover: str):
    """One series over every period of the axis: `rows[column]` per period, None (a gap, never a
    zero) where the series has no row; customdata [key, count] for clicks and the hover."""
    values = dict(zip(rows["period"], rows[column]))
    counts = dict(zip(rows["period"], rows["count"]))
    return go.Scatter(
        x=list(periods),
        y=[values.get(p) for p in periods],
        mode="lines+markers",
        name=escape_plotly(name),
        line=line,
        customdata=[[key, counts.get(p, 0)] for p in periods],
        connectgaps=False,
        hovertemplate=hover,
    )


def build_documents_figure(table: pd.DataFrame, periods: Sequence[str], by: str, lang: str, source: str) -> go.Figure:
    """Bars: dated documents per period (count_documents), every period of the range on the axis."""
    counts = dict(zip(table["period"], table["documents"]))
    fig = go.Figure(
        go.Bar(
            x=list(periods),
            y=[counts.get(p, 0) for p in periods],
            marker_color=SERIES_COLORS[0],
            hovertemplate="%{x}: %{y:,} " + escape_plotly(t("figure.corpus.documents_unit", lang)) + "<extra></extra>",
        )
    )
    if table.empty:
        _empty(fig, t("figure.corpus.no_dated", lang))
    _period_axis(fig, periods, by, lang)
    fig.update_yaxes(title_text=t("figure.corpus.documents_axis", lang), rangemode="tozero")
    fig.update_layout(height=320, showlegend=False, bargap=0.15)
    return apply_style(fig, t("figure.corpus.documents_title", lang), source)


def build_field_figure(table: pd.DataFrame, field: str, lang: str, source: str, top: int = 20) -> go.Figure:
    """Horizontal bars: documents per value of a metadata field (count_documents_by), most first."""
    rows = table.head(top)
    labels = [escape_plotly(v if v else t("figure.corpus.no_value", lang)) for v in rows[field]]
    fig = go.Figure(
        go.Bar(
            x=rows["documents"],
            y=labels,
            orientation="h",
            marker_color=[SERIES_COLORS[0] if v else GENERAL_COLOR for v in rows[field]],
            text=[f"{n:,}" for n in rows["documents"]],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="x+y",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", title_text=None)
    fig.update_xaxes(title_text=t("figure.corpus.documents_axis", lang), rangemode="tozero")
    fig.update_layout(height=max(260, 110 + 26 * len(rows)), showlegend=False)
    title = t("figure.corpus.field_title", lang, field=field_in_text(field, lang))
    return apply_style(fig, title, source)


def build_pillar_trend_figure(
    shares: pd.DataFrame, periods: Sequence[str], by: str, codebook: Codebook, lang: str, source: str
) -> go.Figure:
    """Lines: each pillar's share of the period's paragraphs (count_pillar_shares), in percent; a
    period without documents is a gap. customdata holds the pillar id ("" for general)."""
    fig = go.Figure()
    for pillar, rows in shares.groupby(shares["pillar"].fillna(""), sort=False):
        pid = pillar or None
        label = pillar_label(codebook, pid, lang)
        line = dict(color=pillar_color(codebook, pid), width=2.5 if pid else 1.5, dash=None if pid else "dot")
        hover = (
            f"{escape_plotly(label)} %{{x}}: %{{y:.1f}}% (%{{customdata[1]:,}} "
            f"{escape_plotly(t('figure.corpus.paragraphs_unit', lang))})<extra></extra>"
        )
        rows = rows.assign(percent=rows["share"] * 100, count=rows["paragraphs"])
        fig.add_trace(_period_line(rows, "percent", periods, pillar, label, line, hover))
    if shares.empty:
        _empty(fig, t("figure.corpus.no_dated", lang))
    _period_axis(fig, periods, by, lang)
    fig.update_yaxes(title_text=t("figure.corpus.share_axis", lang), rangemode="tozero", ticksuffix="%")
    fig.update_layout(height=380, hovermode="closest")
    return apply_style(fig, t("figure.corpus.pillar_trend_title", lang), source)


def build_place_heatmap(shares: pd.DataFrame, field: str, codebook: Codebook, lang: str, source: str) -> go.Figure:
    """A field value x pillar heatmap of paragraph shares (count_pillar_shares_by), in percent."""
    places = list(dict.fromkeys(shares[field]))
    pillars = list(dict.fromkeys(shares["pillar"]))
    grid = {(r[field], r["pillar"]): r for r in shares.to_dict("records")}
    z = [[100 * grid[(p, q)]["share"] if (p, q) in grid else None for q in pillars] for p in places]
    counts = [[grid[(p, q)]["paragraphs"] if (p, q) in grid else 0 for q in pillars] for p in places]
    columns = [escape_plotly(pillar_label(codebook, q, lang)) for q in pillars]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=[escape_plotly(p) for p in places],
            customdata=counts,
            colorscale=HEATMAP_SCALE,
            zmin=0,
            colorbar=dict(title=dict(text="%"), ticksuffix="%"),
            texttemplate="%{z:.1f}%",
            hovertemplate="%{y} · %{x}: %{z:.1f}% (%{customdata:,} "
            + escape_plotly(t("figure.corpus.paragraphs_unit", lang))
            + ")<extra></extra>",
        )
    )
    if not places:
        _empty(fig, t("figure.corpus.no_places", lang))
    fig.update_yaxes(autorange="reversed", type="category", title_text=None)
    fig.update_xaxes(type="category", title_text=None, side="top")
    fig.update_layout(height=max(260, 140 + 30 * len(places)))
    title = t("figure.corpus.heatmap_title", lang, field=field_in_text(field, lang))
    return apply_style(fig, title, source)


def build_term_trend_figure(
    trends: pd.DataFrame,
    firsts: pd.DataFrame,
    periods: Sequence[str],
    by: str,
    measure: str,
    lang: str,
    source: str,
    period_of: Mapping[str, str] | None = None,
) -> go.Figure:
    """Lines: each term's count or rate per 10,000 terms by period (count_term_trends), with a
    dotted marker at the period of its first appearance (first_appearances; period_of maps the
    term to that period). customdata holds the term."""
    fig = go.Figure()
    column = "per_10k" if measure == "per_10k" else "count"
    period_of = period_of or {}
    for index, (term, rows) in enumerate(trends.groupby("term", sort=False)):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        rate = f"%{{y:.2f}} {escape_plotly(t('figure.corpus.per_10k_unit', lang))}" if column == "per_10k" else ""
        hover = f"{escape_plotly(term)} %{{x}}: {rate} (%{{customdata[1]:,}})<extra></extra>"
        fig.add_trace(_period_line(rows, column, periods, term, term, dict(color=color, width=2.5), hover))
        first = firsts[firsts["term"] == term]
        if not first.empty and period_of.get(term) in periods:
            day = first["date"].iloc[0]
            fig.add_trace(
                go.Scatter(
                    x=[period_of[term], period_of[term]],
                    y=[0, None],
                    mode="markers+text",
                    marker=dict(symbol="triangle-up", size=12, color=color),
                    text=[escape_plotly(t("figure.corpus.first_seen", lang, term=term, date=day)), ""],
                    textposition="top center",
                    textfont=dict(color=color, size=11),
                    showlegend=False,
                    hovertemplate=escape_plotly(
                        t("figure.corpus.first_hover", lang, term=term, date=day, title=first["title"].iloc[0] or "")
                    )
                    + "<extra></extra>",
                    customdata=[[term, 0], [term, 0]],
                )
            )
    if trends.empty:
        _empty(fig, t("figure.corpus.no_dated", lang))
    _period_axis(fig, periods, by, lang)
    axis = "figure.corpus.per_10k_axis" if column == "per_10k" else "figure.corpus.count_axis"
    fig.update_yaxes(title_text=t(axis, lang), rangemode="tozero")
    fig.update_layout(height=400, hovermode="closest")
    return apply_style(fig, t("figure.corpus.term_trend_title", lang), source)


def build_compare_figure(terms: pd.DataFrame, label_a: str, label_b: str, lang: str, source: str) -> go.Figure:
    """Diverging bars of the key terms of two sub-corpora (compare_subsets' terms): length is the
    effect size (Log Ratio; right: more frequent in A), hover gives G2, counts and rates.
    customdata holds the term."""
    rows = terms.sort_values("log_ratio", ascending=False, kind="stable")
    labels = [escape_plotly(v) for v in rows["term"]]
    fig = go.Figure(
        go.Bar(
            x=rows["log_ratio"],
            y=labels,
            orientation="h",
            customdata=rows["term"].tolist(),
            marker_color=[SIDE_COLORS[0] if v > 0 else SIDE_COLORS[1] for v in rows["log_ratio"]],
            hovertext=[
                t(
                    "figure.corpus.compare_hover",
                    lang,
                    term=escape_plotly(r["term"]),
                    ratio=r["log_ratio"],
                    g2=r["log_likelihood"],
                    a=r["count_a"],
                    b=r["count_b"],
                    rate_a=r["per_10k_a"],
                    rate_b=r["per_10k_b"],
                )
                for r in rows.to_dict("records")
            ],
            hoverinfo="text",
        )
    )
    if rows.empty:
        _empty(fig, t("figure.corpus.compare_empty", lang))
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=labels, autorange="reversed", title_text=None
    )
    fig.update_xaxes(title_text=t("figure.corpus.compare_x", lang), zeroline=True, zerolinecolor="#9e9e9e")
    fig.update_layout(height=max(300, 130 + 20 * len(rows)), showlegend=False, bargap=0.2)
    return apply_style(fig, t("figure.corpus.compare_title", lang, a=label_a, b=label_b), source)


def build_text_numbers_figure(
    shares: pd.DataFrame,
    pillar_id: str | None,
    series: pd.DataFrame,
    indicator_label: str,
    unit: str,
    codebook: Codebook,
    lang: str,
    source: str,
    city_colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Two panels on one yearly axis: the pillar's share of the corpus's paragraphs by year (top)
    and an indicator's yearly values per city (bottom, `series`: year, city label, value). Years
    with no document or no value are gaps; nothing is interpolated."""
    years = sorted({*(int(y) for y in shares["period"]), *(int(y) for y in series["year"])})
    axis = [str(y) for y in range(years[0], years[-1] + 1)] if years else []
    label = pillar_label(codebook, pillar_id, lang)
    panel_text = t("figure.corpus.text_share_legend", lang, pillar=label) + " (%)"
    panel_numbers = f"{indicator_label} ({unit})" if unit else indicator_label
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        row_heights=[0.45, 0.55],
        subplot_titles=[escape_plotly(panel_text), escape_plotly(panel_numbers)],
    )
    for annotation in fig.layout.annotations:  # the panel titles: left-aligned, like the figure's title
        annotation.update(x=0, xanchor="left", font=dict(size=13))
    mine = shares[shares["pillar"].fillna("") == (pillar_id or "")]
    values = dict(zip(mine["period"], mine["share"] * 100))
    fig.add_trace(
        go.Scatter(
            x=axis,
            y=[values.get(y) for y in axis],
            mode="lines+markers",
            name=escape_plotly(t("figure.corpus.text_share_legend", lang, pillar=label)),
            line=dict(color=pillar_color(codebook, pillar_id), width=2.5),
            connectgaps=False,
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        ),
        row=1,
        col=1,
    )
    colors = city_colors or {}
    for index, (city, rows) in enumerate(series.groupby("city", sort=False)):
        by_year = dict(zip(rows["year"].astype(int).astype(str), rows["value"]))
        fig.add_trace(
            go.Scatter(
                x=axis,
                y=[by_year.get(y) for y in axis],
                mode="lines+markers",
                name=escape_plotly(city),
                line=dict(color=colors.get(city, SERIES_COLORS[index % len(SERIES_COLORS)]), width=2),
                connectgaps=False,
                hovertemplate=escape_plotly(city) + " %{x}: %{y:,}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    for row in (1, 2):
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=axis, row=row, col=1)
    fig.update_xaxes(title_text=t("figure.corpus.period.year", lang), row=2, col=1)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", row=1, col=1)
    if series.empty:
        fig.add_annotation(
            text=escape_plotly(t("figure.corpus.no_indicator_values", lang)),
            showarrow=False,
            xref="x2 domain",
            yref="y2 domain",
            x=0.5,
            y=0.5,
        )
    fig.update_layout(height=560, hovermode="x unified")
    title = t("figure.corpus.text_numbers_title", lang, pillar=label, indicator=indicator_label)
    return apply_style(fig, title, source)
