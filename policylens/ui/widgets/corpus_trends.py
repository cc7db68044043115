"""The corpus trend pages' helpers: the export tables of the pillar-share charts, and the view of a
pillar's share of the text beside an indicator's published values on one yearly axis."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens.corpus.store import GENERAL
from policylens.figures.corpus import build_text_numbers_figure
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.indicators import table as indicator_table
from policylens.indicators.labels import city_label, indicator_name
from policylens.indicators.views import ViewSpec, list_sources
from policylens.text.pillars import Codebook
from policylens.ui import cache, corpus, indicator_cache, locale, state
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets.corpus import query_or_warn, source_line


def pillar_share_table(shares: pd.DataFrame, codebook: Codebook, lang: str, key: str) -> pd.DataFrame:
    """The export form of a pillar-share table: key (period or field value), pillar id and label,
    paragraphs, share in percent."""
    return pd.DataFrame(
        {
            key: shares[key],
            "pillar": [p or "general" for p in shares["pillar"]],
            "pillar_label": [pillar_label(codebook, p, lang) for p in shares["pillar"]],
            "paragraphs": shares["paragraphs"],
            "share_pct": (shares["share"] * 100).round(2),
        }
    )


def without_pillars(entry: corpus.CorpusEntry, lang: str) -> str:
    """The corpus filter without the sidebar's pillars (shares of all paragraphs)."""
    return corpus.current_filter_text(extra_pillars=())


def indicator_points(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """year, city (its label in the UI language), value: the published values a chart draws."""

    return pd.DataFrame(
        {
            "year": series["year"].astype(int) if len(series) else pd.Series(dtype=int),
            "city": [city_label(c, lang) for c in series["city"]],
            "value": series["shown"].astype(float) if len(series) else pd.Series(dtype=float),
        }
    )


def numbers_source(entry: corpus.CorpusEntry, where: str, sources: pd.DataFrame, lang: str) -> str:
    """The source line of the text-beside-numbers chart: the corpus, then every indicator source."""
    text = source_line(entry, where, lang)
    titles = "; ".join(dict.fromkeys(sources["source_title"])) if len(sources) else "–"
    return t("corpus.numbers.source", lang, text=text, sources=titles)


def numbers_table(
    yearly: pd.DataFrame, pillar: str | None, series: pd.DataFrame, indicator: str, codebook: Codebook, lang: str
) -> pd.DataFrame:
    """The data of the text-beside-numbers chart, tidy: year, series, value, unit, qualifier,
    source_title, source_url (the corpus for the text share, the published source for each value)."""
    mine = yearly[yearly["pillar"].fillna("") == (pillar or "")]
    label = t("figure.corpus.text_share_legend", lang, pillar=pillar_label(codebook, pillar, lang))
    text_rows = pd.DataFrame(
        {
            "year": mine["period"].astype(int),
            "series": label,
            "value": (mine["share"] * 100).round(3),
            "unit": "%",
            "qualifier": "",
            "source_title": t("corpus.numbers.text_source", lang),
            "source_url": "",
        }
    )

    value_rows = pd.DataFrame(
        {
            "year": series["year"].astype(int) if len(series) else pd.Series(dtype=int),
            "series": [f"{city_label(c, lang)}: {indicator}" for c in series["city"]],
            "value": series["shown"].astype(float) if len(series) else pd.Series(dtype=float),
            "unit": [indicator_table.unit_label(u, lang) for u in series["unit_code"]],
            "qualifier": series["qualifier"] if "qualifier" in series else "",
            "source_title": series["source_title"] if "source_title" in series else "",
            "source_url": series["source_url"] if "source_url" in series else "",
        }
    )
    return pd.concat([text_rows, value_rows], ignore_index=True).sort_values(["series", "year"], kind="stable")


def render_text_beside_numbers(entry: corpus.CorpusEntry, codebook: Codebook, lang: str) -> None:
    """A pillar's yearly share of the corpus's paragraphs over an indicator's published values for
    chosen cities, with every source listed below."""

    data = cache.get_indicators()
    listing = indicator_table.list_indicators(data)
    ids = listing["indicator_id"].tolist()
    if st.session_state.get(state.CORPUS_NUMBERS_INDICATOR) not in ids:
        st.session_state[state.CORPUS_NUMBERS_INDICATOR] = ids[0]
    names = {r["indicator_id"]: indicator_name(r, lang) for r in listing.to_dict("records")}
    pillar_ids = [*codebook.ids, GENERAL]  # GENERAL, not None: a selectbox shows None as no choice
    if st.session_state.get(state.CORPUS_NUMBERS_PILLAR) not in pillar_ids:
        st.session_state[state.CORPUS_NUMBERS_PILLAR] = codebook.ids[0]
    cities = sorted(data["city"].unique(), key=lambda c: (c != "Nanjing", c))
    st.session_state[state.CORPUS_NUMBERS_CITIES] = [
        c for c in st.session_state.get(state.CORPUS_NUMBERS_CITIES) or [] if c in cities
    ]
    cols = st.columns([1, 2, 2])
    pillar = cols[0].selectbox(
        t("corpus.numbers.pillar", lang),
        pillar_ids,
        format_func=lambda p: pillar_label(codebook, None if p == GENERAL else p, lang),
        **state.bind(state.CORPUS_NUMBERS_PILLAR),
    )
    pillar = None if pillar == GENERAL else pillar
    indicator = cols[1].selectbox(
        t("corpus.numbers.indicator", lang), ids, format_func=names.get, **state.bind(state.CORPUS_NUMBERS_INDICATOR)
    )
    chosen_cities = cols[2].multiselect(
        t("corpus.numbers.cities", lang),
        cities,
        format_func=lambda c: city_label(c, lang),
        placeholder=locale.multiselect_placeholder(cities, lang),
        **state.bind(state.CORPUS_NUMBERS_CITIES),
    )
    # the pillar's share of all paragraphs: the corpus filter without its pillars
    text_where = without_pillars(entry, lang)
    yearly = query_or_warn(entry, "count_pillar_shares", "year", where=text_where, lang=lang)
    if yearly is not None:
        series = indicator_cache.get_view_series("bundled", ViewSpec(indicator, tuple(chosen_cities)), data)
        unit = indicator_table.unit_label(indicator_table.chart_unit(series["unit_code"]), lang) if len(series) else ""
        shown = indicator_points(series, lang)
        rows = data[(data["indicator_id"] == indicator) & data["city"].isin(chosen_cities)]
        sources = list_sources(rows)
        line = numbers_source(entry, text_where, sources, lang)
        fig = build_text_numbers_figure(yearly, pillar, shown, names[indicator], unit, codebook, lang, line)
        widgets.render_chart(
            fig,
            key=state.CORPUS_CHART_NUMBERS,
            data=numbers_table(yearly, pillar, series, names[indicator], codebook, lang),
        )
        widgets.render_indicator_sources(rows, lang)
