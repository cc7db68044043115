"""Indicators: the city data by pillar, every chart with its sources; gaps stay gaps."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.indicator_figures import city_label
from policylens.ui import cache, state, widgets
from policylens.ui.context import build_context

ctx = build_context()
lang, codebook = ctx.lang, ctx.codebook

st.title(t("indicators.title", lang))
widgets.render_filter_notice(codebook)
st.caption(t("indicators.intro", lang))
data = cache.get_indicators()
cities = sorted(data[schema.CITY].unique(), key=lambda c: (c != "Nanjing", c))
chosen = st.multiselect(
    t("indicators.cities", lang), cities, format_func=lambda c: city_label(c, lang), key=state.seed_widget(state.INDICATORS_CITIES), on_change=state.store_widget,
    args=(state.INDICATORS_CITIES,),
)
data = data[data[schema.CITY].isin(chosen or ["Nanjing"])]

cities_key = tuple(chosen or ["Nanjing"])
pillars = [p for p in codebook.pillars if not ctx.pillars or p.id in ctx.pillars]
for tab, pillar in zip(st.tabs([p.label(lang) for p in pillars]), pillars):
    with tab:
        catalogue = cache.get_indicator_catalogue(cities_key, pillar.id)
        if catalogue.empty:
            st.info(t("indicators.none", lang))
            continue
        label_col = schema.INDICATOR_ZH if lang == "zh" else schema.INDICATOR_EN
        labels = dict(zip(catalogue[schema.INDICATOR_ID], catalogue[label_col]))
        indicator = st.selectbox(
            t("indicators.indicator", lang), list(labels), format_func=labels.get, key=f"indicators.indicator.{pillar.id}",
        )
        widgets.render_chart(
            cache.get_indicator_figure(indicator, cities_key, lang, pillar.color), key=f"indicators.chart.{pillar.id}"
        )
        widgets.render_indicator_sources(data[data[schema.INDICATOR_ID] == indicator], lang)
