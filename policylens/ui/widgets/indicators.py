"""render_* helpers of the indicator views: pickers, the chart / bar / table / compare view, the sources
panel, and the links between an indicator and the text. Logic lives in the core (indicator_views,
indicator_view_figures, targets); widgets keep their values in the persistent keys of ui/state.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.indicators.derived import DENOMINATOR_SOURCE_TITLE, DENOMINATOR_SOURCE_URL, RELATIVE_MEASURES
from policylens.indicators.labels import FOCUS_CITY, city_label, indicator_name
from policylens.indicators.transforms import NOTE, NOTE_LABELS
from policylens.indicators.views import (
    MEASURES,
    SCALES,
    SHOWN,
    ViewSpec,
    build_compare_table,
    build_export_table,
    build_view_table,
    cities_without_data,
    list_sources,
    list_years,
    select_rows,
    source_rows,
    summarise_gaps,
)
from policylens.markup import build_source_line, build_source_link, escape_markdown, t_html, t_md
from policylens.text.pillars import Codebook, Pillar
from policylens.ui import indicator_cache, locale, state
from policylens.ui.indicator_data import IndicatorData
from policylens.ui.selection import select_indicator
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

VIEW_LABELS = {
    "chart": "indicators.view.chart",
    "bar": "indicators.view.bar",
    "table": "indicators.view.table",
    "compare": "indicators.view.compare",
}
MEASURE_LABELS = {  # one per views.MEASURES
    "absolute": "indicators.measure.absolute",
    "indexed": "indicators.measure.indexed",
    "growth": "indicators.measure.growth",
    "per_capita": "indicators.measure.per_capita",
    "per_gdp": "indicators.measure.per_gdp",
}
SCALE_LABELS = {"linear": "indicators.scale.linear", "log": "indicators.scale.log"}  # one per views.SCALES
MAX_SOURCE_LINKS = 3
# Controls sit in rows that wrap (st.container(horizontal=True)): each keeps its natural width, so at
# 1024 px a segmented control moves to the next line instead of hiding options behind a scroll.
YEARS_WIDTH, PICKER_WIDTH = 260, 150
# Export names: the files are policylens_indicators-table_<indicator>_<cities>_<date>.csv and so on.
TABLE_EXPORT, COMPARE_EXPORT, SOURCES_EXPORT = "indicators.table", "indicators.compare", "indicators.sources"


def _control_row():
    return st.container(horizontal=True, gap="medium", vertical_alignment="bottom")


def keep_valid(key: str, options: list, default: object) -> None:
    """Reset a persistent value that is no longer among the options (another dataset, indicator or pillar)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def order_cities(cities) -> list[str]:
    """Nanjing first, then the peers alphabetically."""
    return sorted(set(cities), key=lambda c: (c != FOCUS_CITY, c))


def _pillar_of(view: IndicatorData, indicator_id: str | None, pillar_ids: list[str]) -> str | None:
    """The pillar of the chosen indicator's row in the catalogue of the data in view, when on offer."""
    if not indicator_id:
        return None
    catalogue = indicator_cache.get_full_catalogue(view.key, view.data)
    rows = catalogue[catalogue[schema.INDICATOR_ID] == indicator_id]
    pillar = rows.iloc[0][schema.PILLAR] if not rows.empty else None
    return pillar if pillar in pillar_ids else None


def _first_indicator(view: IndicatorData, pillar_id: str) -> str | None:
    """The first (best covered) indicator of a pillar in the data in view, or None."""
    catalogue = indicator_cache.get_indicator_catalogue(view.key, pillar_id, view.data)
    return None if catalogue.empty else catalogue.iloc[0][schema.INDICATOR_ID]


def _choose_pillar(view: IndicatorData) -> None:
    """on_change of the pillar picker: choose that pillar's first indicator. A pillar with none in
    the data stays in the picker (with a note) and leaves the choice as it was."""
    first = _first_indicator(view, st.session_state[state.INDICATORS_PILLAR_PICKER])
    if first is not None:
        select_indicator(first)


def _choose_indicator() -> None:
    """on_change of the indicator picker: the picked indicator is the chosen one (URL, selection bar)."""
    select_indicator(st.session_state[state.INDICATORS_INDICATOR_PICKER])


def _seed(widget_key: str, value: object) -> str:
    """Set a picker to the value derived from the chosen indicator before it is drawn; return its key."""
    st.session_state[widget_key] = value
    return widget_key


def render_indicator_picker(
    codebook: Codebook, pillar_ids: tuple[str, ...], view: IndicatorData, lang: str
) -> tuple[Pillar, pd.Series | None]:
    """Pillar (within the global filter) and one of its indicators in the data in view, both shown from
    the one chosen indicator (state.INDICATORS_SELECTED): its pillar and itself, or, with no choice (or
    one not in view), the first indicator of the first pillar on offer."""
    offered = [p.id for p in codebook.pillars if p.id in pillar_ids] or list(codebook.ids)
    chosen = st.session_state.get(state.INDICATORS_SELECTED)
    pillar_id = _pillar_of(view, chosen, offered)
    looking = st.session_state.get(state.INDICATORS_PILLAR_PICKER)  # a pillar the user just picked
    if looking in offered and looking != pillar_id and _first_indicator(view, looking) is None:
        pillar_id = looking  # it has no indicator in view: it stays shown, with a note
    pillar_id = pillar_id or offered[0]
    row = _control_row()
    row.segmented_control(
        t("indicators.pillar", lang),
        offered,
        format_func=lambda pid: escape_markdown(codebook.get(pid).label(lang)),
        selection_mode="single",
        required=True,
        key=_seed(state.INDICATORS_PILLAR_PICKER, pillar_id),
        on_change=_choose_pillar,
        args=(view,),
        width="content",
    )
    pillar = codebook.get(pillar_id)
    catalogue = indicator_cache.get_indicator_catalogue(view.key, pillar.id, view.data)
    if catalogue.empty:
        row.info(t("indicators.none", lang))
        return pillar, None
    rows = {r[schema.INDICATOR_ID]: r for r in catalogue.to_dict("records")}
    shown = chosen if chosen in rows else next(iter(rows))
    row.selectbox(
        t("indicators.indicator", lang),
        list(rows),
        key=_seed(state.INDICATORS_INDICATOR_PICKER, shown),
        on_change=_choose_indicator,
        format_func=lambda i: t(
            "indicators.indicator_option",
            lang,
            label=indicator_name(rows[i], lang),
            years=rows[i][schema.N_YEARS],
            cities=rows[i][schema.N_CITIES],
        ),
    )
    return pillar, pd.Series(rows[shown])


def render_city_picker(view: IndicatorData, indicator_id: str | None, lang: str) -> tuple[str, ...]:
    """Searchable city multiselect (Nanjing and peers); says which chosen cities have no value for
    the indicator (if one is given)."""
    options = order_cities(view.data[schema.CITY])
    default = [FOCUS_CITY] if FOCUS_CITY in options else options[:1]
    st.session_state[state.INDICATORS_CITIES] = [
        c for c in st.session_state.get(state.INDICATORS_CITIES, []) if c in options
    ]
    st.multiselect(
        t("indicators.cities", lang),
        options,
        format_func=lambda c: city_label(c, lang),
        placeholder=locale.multiselect_placeholder(options, lang),
        **state.bind(state.INDICATORS_CITIES),
    )
    cities = tuple(st.session_state[state.INDICATORS_CITIES]) or tuple(default)
    missing = cities_without_data(view.data, indicator_id, cities) if indicator_id else []
    if missing:
        st.caption(t_md("indicators.no_city_data", lang, cities=", ".join(city_label(c, lang) for c in missing)))
    return cities


def _store_years(key: str, full: tuple[int, int]) -> None:
    """on_change of the time range: keep a narrowed range; the full range is stored as None, so that
    a city or indicator with more years shows them all."""
    value = tuple(st.session_state[key])
    st.session_state[state.INDICATORS_YEARS] = None if value == full else value


def render_series_controls(
    view: IndicatorData, indicator_id: str, cities: tuple[str, ...], lang: str
) -> ViewSpec | None:
    """Time range, measure, base year, scale, view and bar year; the spec of the view, or None without data."""
    years = list_years(select_rows(view.data, ViewSpec(indicator_id, cities)))
    if not years:
        return None
    row = _control_row()
    if len(years) > 1:
        stored = st.session_state.get(state.INDICATORS_YEARS)
        full = (years[0], years[-1])
        if not (isinstance(stored, tuple | list) and len(stored) == 2 and set(stored) <= set(years)):
            stored = full  # None (the default) or a range from other data: every year there is
        # Streamlit reads a range from `value` (not from session state), and keeps a keyed widget's
        # value when its options change: the key names the years, so other years start a new slider.
        key = f"{state.widget_key(state.INDICATORS_YEARS)}.{years[0]}-{years[-1]}-{len(years)}"
        first, last = row.select_slider(
            t("indicators.years", lang),
            years,
            value=tuple(stored),
            key=key,
            on_change=_store_years,
            args=(key, full),
            width=YEARS_WIDTH,
        )
    else:
        row.caption(t("indicators.one_year", lang, year=years[0]))
        first = last = years[0]
    in_range = [y for y in years if first <= y <= last]
    keep_valid(state.INDICATORS_MEASURE, list(MEASURES), "absolute")
    row.segmented_control(
        t("indicators.measure", lang),
        list(MEASURES),
        selection_mode="single",
        required=True,
        format_func=lambda m: t(MEASURE_LABELS[m], lang),
        width="content",
        **state.bind(state.INDICATORS_MEASURE),
    )
    measure = st.session_state[state.INDICATORS_MEASURE]
    base_year = None
    if measure == "indexed":
        keep_valid(state.INDICATORS_BASE_YEAR, in_range, in_range[0])
        base_year = row.selectbox(
            t("indicators.base_year", lang),
            in_range,
            help=t("indicators.base_year_help", lang),
            width=PICKER_WIDTH,
            **state.bind(state.INDICATORS_BASE_YEAR),
        )
    keep_valid(state.INDICATORS_SCALE, list(SCALES), "linear")
    row.segmented_control(
        t("indicators.scale", lang),
        list(SCALES),
        selection_mode="single",
        required=True,
        format_func=lambda s: t(SCALE_LABELS[s], lang),
        disabled=measure == "growth",
        width="content",
        **state.bind(state.INDICATORS_SCALE),
    )
    keep_valid(state.INDICATORS_VIEW, list(VIEW_LABELS), "chart")
    row = _control_row()
    row.segmented_control(
        t("indicators.view", lang),
        list(VIEW_LABELS),
        selection_mode="single",
        required=True,
        format_func=lambda v: t(VIEW_LABELS[v], lang),
        width="content",
        **state.bind(state.INDICATORS_VIEW),
    )
    bar_year = None
    if st.session_state[state.INDICATORS_VIEW] == "bar":
        keep_valid(state.INDICATORS_BAR_YEAR, in_range, in_range[-1])
        bar_year = row.selectbox(
            t("indicators.bar_year", lang), in_range, width=PICKER_WIDTH, **state.bind(state.INDICATORS_BAR_YEAR)
        )
    return ViewSpec(
        indicator_id,
        cities,
        (first, last),
        measure,
        base_year,
        "bar" if bar_year is not None else "line",
        bar_year,
        st.session_state[state.INDICATORS_SCALE] == "log" and measure != "growth",
    )


def render_source_links(sources: pd.DataFrame, lang: str) -> None:
    """The source line under a chart: the first sources' titles, each linked, and how many more."""
    links = [
        build_source_link(s, u)
        for s, u in zip(sources[schema.SOURCE_TITLE][:MAX_SOURCE_LINKS], sources[schema.SOURCE_URL])
    ]
    more = len(sources) - MAX_SOURCE_LINKS
    line = build_source_line(links, lang, t_html("indicator_figure.more", lang, n=more) if more > 0 else None)
    st.markdown(line, unsafe_allow_html=True)


def render_gaps(series: pd.DataFrame, spec: ViewSpec, lang: str) -> None:
    """Why a city or year has no index or growth rate: said, never filled."""
    for note, city, years in summarise_gaps(series):
        reason = t(NOTE_LABELS[note], lang, year=spec.base_year)
        st.caption(
            t_md("indicators.gap", lang, city=city_label(city, lang), years=", ".join(map(str, years)), reason=reason)
        )


def _column_config(lang: str, measure: str) -> dict:
    config = {
        schema.CITY: t("column.city", lang),
        schema.YEAR: st.column_config.NumberColumn(t("column.year", lang), format="%d"),
        schema.VALUE: t("column.chart_value", lang),
        schema.QUALIFIER: t("column.qualifier", lang),
        "unit": t("column.unit", lang),
        NOTE: t("column.note", lang),
        "sources": t("column.n_sources", lang),
        schema.SOURCE_TITLE: t("column.source_title", lang),
        schema.SOURCE_URL: st.column_config.LinkColumn(t("column.source_url", lang)),
    }
    if measure in RELATIVE_MEASURES:  # a ratio, its unit and the value it divides by, with that value's source
        config[SHOWN] = t("column.ratio", lang)
        config["shown_unit"] = t("column.ratio_unit", lang)
        config["denominator"] = t("column.denominator", lang)
        config[DENOMINATOR_SOURCE_TITLE] = t("column.denominator_source_title", lang)
        config[DENOMINATOR_SOURCE_URL] = st.column_config.LinkColumn(t("column.denominator_source_url", lang))
    elif measure != "absolute":
        config[SHOWN] = t("column.indexed" if measure == "indexed" else "column.growth", lang)
    return config


def render_indicator_view(view: IndicatorData, spec: ViewSpec, pillar: Pillar, lang: str) -> None:
    """The chosen view (chart, bar, table, compare), its source line, gaps and the sources panel."""
    record = exports.current_view()
    record.indicator = spec.indicator_id  # provenance names what is shown, default or not
    record.subject = exports.indicator_subject(spec.indicator_id, spec.cities)  # and the files are named after it
    series = indicator_cache.get_view_series(view.key, spec, view.data)
    shown_view = st.session_state[state.INDICATORS_VIEW]
    if spec.measure != "absolute":
        render_gaps(series, spec, lang)
    if shown_view != "table":
        if series[SHOWN].notna().any():
            widgets.render_chart(
                indicator_cache.get_view_figure(view.key, spec, lang, view.data),
                key=state.INDICATORS_CHART,
                # the chart's CSV: the values it draws, tidy, with units and sources (not plotly's traces)
                data=build_export_table(series, spec.measure, lang, spec.base_year),
            )
        else:
            st.info(t("indicators.nothing_to_show", lang))
        if spec.log and (series[SHOWN] <= 0).any():
            st.warning(t("indicators.log_nonpositive", lang, n=int((series[SHOWN] <= 0).sum())))
        if spec.kind == "bar":
            missing = [c for c in spec.cities if c not in set(series.dropna(subset=[SHOWN])[schema.CITY])]
            if missing:
                st.caption(
                    t_md(
                        "indicators.bar_missing",
                        lang,
                        year=spec.bar_year,
                        cities=", ".join(city_label(c, lang) for c in missing),
                    )
                )
    sources = list_sources(source_rows(view.data, spec, series))  # with a ratio's population or GDP sources
    render_source_links(sources, lang)
    if shown_view == "table":
        table = build_view_table(series, spec.measure, lang, spec.base_year)
        if spec.measure == "absolute":
            table = table.drop(columns=SHOWN)
        if not table[NOTE].any():
            table = table.drop(columns=NOTE)
        st.dataframe(
            widgets.keep_web_links(table),
            column_config=_column_config(lang, spec.measure),
            hide_index=True,
            width="stretch",
        )
        tidy = build_export_table(series, spec.measure, lang, spec.base_year)  # typed, for Excel, R, pandas
        exports.render_table_exports(tidy, TABLE_EXPORT, lang)
    elif shown_view == "compare":
        st.caption(
            t("indicators.compare_caption", lang)
            + ("" if spec.measure == "absolute" else " " + t("indicators.compare_qualified", lang))
        )
        compare = build_compare_table(series, spec.indicator_id, spec.cities, lang, spec.measure)
        st.dataframe(
            compare,
            hide_index=True,
            width="stretch",
            column_config={schema.YEAR: st.column_config.NumberColumn(t("column.year", lang), format="%d")},
        )
        exports.render_table_exports(compare, COMPARE_EXPORT, lang)
    with st.expander(t("indicators.sources_panel", lang, n=len(sources))):
        st.dataframe(
            widgets.keep_web_links(sources),
            hide_index=True,
            width="stretch",
            column_config={
                schema.SOURCE_TITLE: t("column.source_title", lang),
                "n_values": t("column.n_values", lang),
                schema.SOURCE_URL: st.column_config.LinkColumn(t("column.source_url", lang)),
            },
        )
        exports.render_table_exports(sources, SOURCES_EXPORT, lang)
