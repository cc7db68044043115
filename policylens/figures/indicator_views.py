"""Plotly figures for the indicator views: an indicator in a measure (absolute, indexed, growth) over
years or for one year, the log scale, and a document's numeric target drawn against the actual series.

Input series come from indicator_views.build_measure_series: one value per city and year. Gaps stay
gaps (None breaks the line), qualifiers keep their marker symbols, sources and unit are in the figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from policylens.figures.indicator_axes import META_EXTRA, set_value_axis, style_indicator_figure
from policylens.figures.indicators import (
    LEGEND_MARKER_COLOR,
    QUALIFIER_LEGEND_LABELS,
    QUALIFIER_SYMBOLS,
    _order_cities,
    build_indicator_figure,
    city_color,
    format_value,
)
from policylens.i18n import t
from policylens.indicators import table as indicators
from policylens.indicators.derived import (
    DENOMINATOR_QUALIFIER,
    DENOMINATOR_SOURCE_TITLE,
    DENOMINATOR_UNIT_CODE,
    DENOMINATOR_VALUE,
    RELATIVE_MEASURES,
)
from policylens.indicators.labels import city_label, indicator_title_name, row_note
from policylens.indicators.targets import SENTENCE
from policylens.indicators.transforms import NOTE, NOTE_LABELS, filter_years
from policylens.indicators.views import (
    SHOWN,
    ViewSpec,
    build_measure_series,
    convert_value,
    format_derived,
    format_shown,
    select_rows,
    shown_unit_label,
    view_series,
)
from policylens.markup import escape_plotly
from policylens.schema import CITY, QUALIFIER, SOURCE_TITLE, UNIT_CODE, VALUE, YEAR

DERIVED_SYMBOL = "x"  # an index or growth rate that rests on a qualified value
TARGET_SYMBOL = "star"
TARGET_COLOR = "#d62728"
TITLE_SUFFIX_LABELS = {
    "indexed": "indicator_view.title.indexed",
    "growth": "indicator_view.title.growth",
    "per_capita": "indicator_view.title.per_capita",
    "per_gdp": "indicator_view.title.per_gdp",
}


def _symbol(qualifier: str, note: object, measure: str) -> str:
    """Absolute values keep their qualifier's symbol. An index or growth rate is no lower bound or
    approximation itself (a lower-bound base even turns a bound around), so it is marked only as
    resting on a qualified value."""
    if measure == "absolute":
        return QUALIFIER_SYMBOLS[qualifier]
    return DERIVED_SYMBOL if isinstance(note, str) and note == "qualified" else "circle"


def _shown_text(row: pd.Series, measure: str, lang: str) -> str:
    if measure == "absolute":
        return format_value(row[VALUE], row[UNIT_CODE], row[QUALIFIER], lang)
    if measure in RELATIVE_MEASURES and pd.isna(row[SHOWN]):  # the note says why there is no ratio
        return format_value(row[VALUE], row[UNIT_CODE], row[QUALIFIER], lang)
    if measure in RELATIVE_MEASURES:
        below = format_value(row[DENOMINATOR_VALUE], row[DENOMINATOR_UNIT_CODE], row[DENOMINATOR_QUALIFIER], lang)
        ratio = f"{format_shown(row[SHOWN], measure)} {shown_unit_label(row[UNIT_CODE], measure, lang)}"
        return f"{ratio} = {format_value(row[VALUE], row[UNIT_CODE], row[QUALIFIER], lang)} ÷ {below}"
    number = format_derived(row[SHOWN]) + ("%" if measure == "growth" else "")
    return f"{number} · {format_value(row[VALUE], row[UNIT_CODE], row[QUALIFIER], lang)}"


def _hover(row: pd.Series, measure: str, base_year: int | None, lang: str) -> str:
    lines = [
        f"<b>{escape_plotly(t('indicator_figure.point', lang, city=city_label(row[CITY], lang), year=row[YEAR]))}</b>",
        escape_plotly(_shown_text(row, measure, lang)),
    ]
    if isinstance(row[NOTE], str):
        lines.append(escape_plotly(t(NOTE_LABELS[row[NOTE]], lang, year=base_year or row[YEAR])))
    if note := row_note(row, lang):
        lines.append(escape_plotly(t("indicator_figure.note", lang, note=note)))
    lines.append(escape_plotly(t("indicator_figure.source", lang, titles=row[SOURCE_TITLE][:60])))
    if measure in RELATIVE_MEASURES and isinstance(row[DENOMINATOR_SOURCE_TITLE], str):
        lines.append(escape_plotly(t("indicator_figure.source", lang, titles=row[DENOMINATOR_SOURCE_TITLE][:60])))
    return "<br>".join(lines)


def _legend(symbols: set[str], lang: str) -> list[go.Scatter]:
    """Legend-only traces for the marker symbols in use (qualifiers, derived points)."""
    names = {QUALIFIER_SYMBOLS[q]: t(key, lang) for q, key in QUALIFIER_LEGEND_LABELS.items()}
    names[DERIVED_SYMBOL] = t("indicator_view.legend.derived", lang)
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=name,
            hoverinfo="skip",
            legendgroup="qualifier",
            marker=dict(
                symbol=symbol, size=10, color=LEGEND_MARKER_COLOR, line=dict(width=2, color=LEGEND_MARKER_COLOR)
            ),
        )
        for symbol, name in names.items()
        if symbol in symbols
    ]


def axis_title(measure: str, unit_code: str, lang: str, base_year: int | None = None) -> str:
    """The y-axis title: the unit, the index base, or the growth rate."""
    if measure == "indexed":
        return t("indicator_view.axis.indexed", lang, year=base_year)
    if measure == "growth":
        return t("indicator_view.axis.growth", lang)
    if measure in RELATIVE_MEASURES:
        return shown_unit_label(unit_code, measure, lang)
    return indicators.unit_label(unit_code, lang)


def build_measure_figure(
    series: pd.DataFrame,
    measure: str,
    lang: str = "en",
    base_year: int | None = None,
    kind: str = "line",
) -> go.Figure:
    """One indicator in a measure: lines over years (kind "line") or one bar per city (kind "bar").

    Lines run over every year from a city's first to its last row, with None where there is no value
    or none can be computed (connectgaps=False); bars are drawn only where a value exists.
    """
    series = series.sort_values([CITY, YEAR], kind="stable")
    unit_code = indicators.chart_unit(series[UNIT_CODE]) if len(series) else "pct"
    fig = go.Figure()
    used: set[str] = set()
    if kind == "bar":
        shown = series.dropna(subset=[SHOWN])
        shown = shown.sort_values(SHOWN, ascending=False, kind="stable")
        symbols = [_symbol(q, n, measure) for q, n in zip(shown[QUALIFIER], shown[NOTE])]
        used |= set(symbols)
        colors = [city_color(c) for c in shown[CITY]]
        labels = [escape_plotly(city_label(c, lang)) for c in shown[CITY]]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=list(shown[SHOWN]),
                marker_color=colors,
                width=0.6,
                showlegend=False,
                text=[format_derived(v) for v in shown[SHOWN]],
                textposition="outside",
                cliponaxis=False,
                hoverinfo="text",
                hovertext=[_hover(r, measure, base_year, lang) for _, r in shown.iterrows()],
            )
        )
        inexact = [i for i, s in enumerate(symbols) if s != "circle"]
        if inexact:
            fig.add_trace(
                go.Scatter(
                    x=[labels[i] for i in inexact],
                    y=[shown[SHOWN].iloc[i] for i in inexact],
                    mode="markers",
                    showlegend=False,
                    hoverinfo="skip",
                    marker=dict(symbol=[symbols[i] for i in inexact], size=10, color=LEGEND_MARKER_COLOR),
                )
            )
        year = int(series[YEAR].iloc[0]) if len(series) else None
        fig.update_xaxes(title_text=t("indicator_figure.city_in_year", lang, year=year), type="category")
    else:
        for city in _order_cities(list(series[CITY])):
            rows = series[series[CITY] == city].set_index(YEAR, drop=False)
            years = list(range(int(rows.index.min()), int(rows.index.max()) + 1))
            values = [
                None if y not in rows.index or pd.isna(rows.at[y, SHOWN]) else float(rows.at[y, SHOWN]) for y in years
            ]
            symbols = [
                _symbol(rows.at[y, QUALIFIER], rows.at[y, NOTE], measure) if y in rows.index else "circle"
                for y in years
            ]
            if all(v is None for v in values):
                continue  # no line to draw (no base-year value, one year only for growth): not in the legend
            used |= {s for s, v in zip(symbols, values) if v is not None}
            color = city_color(city)
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=values,
                    mode="lines+markers",
                    connectgaps=False,
                    name=escape_plotly(city_label(city, lang)),
                    line=dict(color=color, width=2),
                    marker=dict(symbol=symbols, size=10, color=color, line=dict(width=2, color=color)),
                    hoverinfo="text",
                    hovertext=[_hover(rows.loc[y], measure, base_year, lang) if y in rows.index else "" for y in years],
                )
            )
        fig.update_xaxes(title_text=t("indicator_figure.year", lang), dtick=1, tickformat="d")
    for trace in _legend(used - {"circle"}, lang):
        fig.add_trace(trace)
    fig.update_yaxes(title_text=axis_title(measure, unit_code, lang, base_year))
    if measure == "indexed":
        fig.add_hline(y=100, line=dict(color="#9e9e9e", width=1, dash="dot"))
    elif measure == "growth":
        fig.add_hline(y=0, line=dict(color="#9e9e9e", width=1))
    name = indicator_title_name(series, lang) if len(series) else ""  # never one row's label and note
    title = name if measure == "absolute" else name + t(TITLE_SUFFIX_LABELS[measure], lang, year=base_year)
    titles = series[SOURCE_TITLE]
    if measure in RELATIVE_MEASURES:  # a ratio rests on the population's or GDP's sources too
        titles = pd.concat([titles, series[DENOMINATOR_SOURCE_TITLE].dropna().astype(str)], ignore_index=True)
    fig = style_indicator_figure(fig, title, titles, lang, unit_code if measure == "absolute" else None)
    return set_value_axis(fig, log=False)


def build_view_figure(df: pd.DataFrame, spec: ViewSpec, lang: str = "en") -> go.Figure:
    """The figure of a view: absolute values through indicator_figures.build_indicator_figure (every
    source in hover, conflicts flagged), the derived measures through build_measure_figure; log y axis
    when spec.log. The caller checks that the spec has rows."""
    if spec.measure == "absolute":
        rows = filter_years(select_rows(df, spec), *(spec.years or (None, None)))
        if spec.kind == "bar":
            rows = rows[rows[YEAR] == spec.bar_year]
        fig = build_indicator_figure(rows, lang=lang)
    else:
        fig = build_measure_figure(view_series(df, spec), spec.measure, lang, spec.base_year, spec.kind)
    return set_log_scale(fig) if spec.log else fig


def set_log_scale(fig: go.Figure) -> go.Figure:
    """Log y axis with 1-2-5 ticks covering the data (values at or below zero cannot be drawn on it;
    the UI says so)."""
    return set_value_axis(fig, log=True)


def add_target(
    fig: go.Figure,
    value: float,
    year: int | None,
    qualifier: str,
    unit_code: str,
    sentence: str,
    document_name: str,
    lang: str = "en",
) -> go.Figure:
    """Draw a document's target on an indicator figure: a star at the target year, or a dashed line
    across the chart when the text states no year, labelled as a target; the document is added to
    the figure's source line. `value` is already in the chart unit `unit_code`."""
    label = t("indicator_view.target.label", lang, value=format_value(value, unit_code, qualifier, lang))
    hover = "<br>".join(
        [
            f"<b>{escape_plotly(label)}</b>",
            escape_plotly(sentence[:120]),
            escape_plotly(t("indicator_view.target.source", lang, name=document_name)),
        ]
    )
    if year is None:
        fig.add_hline(y=value, line=dict(color=TARGET_COLOR, width=2, dash="dash"))
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=t("indicator_view.target.no_year", lang),
                line=dict(color=TARGET_COLOR, width=2, dash="dash"),
            )
        )
    else:
        fig.add_trace(
            go.Scatter(
                x=[int(year)],
                y=[value],
                mode="markers+text",
                name=t("indicator_view.target.legend", lang),
                text=[escape_plotly(t("indicator_view.target.short", lang, year=int(year)))],
                textposition="middle left",
                marker=dict(symbol=TARGET_SYMBOL, size=18, color=TARGET_COLOR, line=dict(width=1, color="white")),
                hovertext=[hover],
                hoverinfo="text",
                textfont=dict(color=TARGET_COLOR),
            )
        )
    sources = [a for a in fig.layout.annotations if a.yref == "paper" and a.yanchor == "bottom"]
    target_source = t("indicator_view.target.source", lang, name=document_name)
    if sources:
        sources[-1].text += "<br>" + escape_plotly(target_source)
        sources[-1].yshift -= 14
        fig.update_layout(margin=dict(b=fig.layout.margin.b + 14))
    meta = dict(fig.layout.meta or {})
    fig.update_layout(meta={**meta, META_EXTRA: [*meta.get(META_EXTRA, []), target_source]})
    return set_value_axis(fig) if meta else fig


def build_target_figure(
    rows: pd.DataFrame, target: dict, document_name: str, lang: str = "en"
) -> tuple[go.Figure, bool]:
    """One city's actual series (long-table rows of one indicator) with a target from the document.

    `target` is a row of targets.extract_targets (value, unit, unit_code, year, qualifier, sentence).
    The target is converted into the chart unit by exact powers of ten; returns (figure, drawn),
    drawn False when its unit does not convert (the figure then shows the series alone).
    """
    series = build_measure_series(rows, "absolute")
    fig = build_measure_figure(series, "absolute", lang)
    unit_code = indicators.chart_unit(series[UNIT_CODE])
    value = convert_value(target[VALUE], target[UNIT_CODE], unit_code)
    if value is None:
        return fig, False
    year = None if pd.isna(target[YEAR]) else int(target[YEAR])
    add_target(fig, value, year, target[QUALIFIER], unit_code, target[SENTENCE], document_name, lang)
    return fig, True
