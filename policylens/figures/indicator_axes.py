"""How an indicator figure reads: its value axis (indicators.units.build_axis_ticks: 万/亿 in Chinese,
thousands separators and one scale word in English, 1-2-5 ticks on a log axis), its source line (short
in the app, every source in a standalone file) and the layout.meta that export.images.prepare_standalone
and a log axis redraw them from.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from policylens.figures.style import apply_style, wrap_source
from policylens.i18n import t
from policylens.indicators import units

MAX_SOURCE_TITLES = 2
MAX_TITLE_CHARS = 60
SOURCES_ANNOTATION = "policylens.sources"  # the name of the source-line annotation of a figure
# layout.meta keys: what a standalone export and a log axis need to redraw the figure's text
META_SOURCES, META_EXTRA, META_UNIT, META_LANG, META_AXIS = "sources", "source_extra", "unit_code", "lang", "axis"
# what a non-exact qualifier is called after a value, and in the legend of the marker symbols


def _shorten(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_source_line(titles: pd.Series, lang: str = "en") -> str:
    """Source line (plain text, apply_style escapes it) naming the most frequent source titles, e.g.
    "Sources: A; B; +3 more"."""
    counts = titles.value_counts(sort=False)
    ordered = list(counts.sort_values(ascending=False, kind="stable").index)
    shown = [_shorten(str(title)) for title in ordered[:MAX_SOURCE_TITLES]]
    if len(ordered) > MAX_SOURCE_TITLES:
        shown.append(t("indicator_figure.more", lang, n=len(ordered) - MAX_SOURCE_TITLES))
    key = "indicator_figure.source" if len(ordered) == 1 else "indicator_figure.sources"
    return t(key, lang, titles="; ".join(shown))


def list_source_titles(titles: pd.Series) -> list[str]:
    """Every distinct source title, most frequent first, in full."""
    counts = titles.value_counts(sort=False)
    return [str(title) for title in counts.sort_values(ascending=False, kind="stable").index]


def build_full_source_lines(titles: list[str], lang: str = "en", width: int = 110) -> str:
    """Every source in full, one per line (each wrapped at `width`), escaped for plotly: the source
    line of a standalone file, which no hover can complete. "Sources:" then "· title" lines."""
    if len(titles) == 1:
        return wrap_source(t("indicator_figure.source", lang, titles=titles[0]), width)
    lines = [t("indicator_figure.sources", lang, titles="").rstrip(), *(f"· {title}" for title in titles)]
    return "<br>".join(wrap_source(line, width) for line in lines)


def style_indicator_figure(
    fig: go.Figure, title: str, titles: pd.Series, lang: str, unit_code: str | None
) -> go.Figure:
    """apply_style with the short source line ("+N more", every source in its hover), and the
    figure's meta: every source title (export.images.prepare_standalone), the chart unit and the
    language (the value axis, set_value_axis)."""
    fig = apply_style(fig, title, build_source_line(titles, lang) if len(titles) else None)
    meta = {META_LANG: lang, META_UNIT: unit_code, META_EXTRA: []}
    if len(titles):
        meta[META_SOURCES] = list_source_titles(titles)
        note = fig.layout.annotations[-1]
        note.name = SOURCES_ANNOTATION
        if len(meta[META_SOURCES]) > MAX_SOURCE_TITLES:  # "+N more": the hover names them all
            note.hovertext = build_full_source_lines(meta[META_SOURCES], lang, 90)
    fig.update_layout(meta=meta)
    return fig


def _y_values(fig: go.Figure) -> list[float]:
    values = [v for trace in fig.data for v in (trace.y or ()) if isinstance(v, int | float) and not pd.isna(v)]
    values += [s.y0 for s in fig.layout.shapes if s.yref in (None, "y") and isinstance(s.y0, int | float)]
    return values


def set_value_axis(fig: go.Figure, log: bool | None = None) -> go.Figure:
    """Explicit y ticks from the figure's values (units.build_axis_ticks): 万/亿 in Chinese and one scale
    word in the English axis title for amounts, thousands separators otherwise; on a log axis 1-2-5
    ticks covering the data. `log` None keeps the axis type. A rank axis keeps plotly's ticks."""
    meta = dict(fig.layout.meta or {})
    unit_code = meta.get(META_UNIT)
    if unit_code == "rank":
        return fig
    log = (fig.layout.yaxis.type == "log") if log is None else log
    title = meta.get(META_AXIS, fig.layout.yaxis.title.text or "")
    # bars start at 0 (plotly's autorange includes it), so their ticks do too
    from_zero = fig.layout.yaxis.rangemode == "tozero" or any(trace.type == "bar" for trace in fig.data)
    lang = meta.get(META_LANG, "en")
    ticks = units.build_axis_ticks(_y_values(fig), unit_code, lang, log=log, title=title, from_zero=from_zero)
    fig.update_yaxes(
        title_text=ticks.title,
        type="log" if log else "linear",
        tickmode="array" if ticks.tickvals else "auto",
        tickvals=list(ticks.tickvals) or None,
        ticktext=list(ticks.ticktext) or None,
    )
    if log:
        fig.update_yaxes(rangemode="normal", range=list(ticks.range) if ticks.range else None)
    fig.update_layout(meta={**meta, META_AXIS: title})
    return fig
