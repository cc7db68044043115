"""Indicators: the city data by pillar, every chart with its sources; gaps stay gaps."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.indicator_figures import build_indicator_figure, city_label
from policylens.indicators import list_indicators
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

pillars = [p for p in codebook.pillars if not ctx.pillars or p.id in ctx.pillars]
for tab, pillar in zip(st.tabs([p.label(lang) for p in pillars]), pillars):
    with tab:
        catalogue = list_indicators(data, (pillar.id,)).sort_values(
            [schema.N_YEARS, schema.INDICATOR_ID],
            ascending=[False, True], kind="stable",
        )
        if catalogue.empty:
            st.info(t("indicators.none", lang))
            continue
        label_col = schema.INDICATOR_ZH if lang == "zh" else schema.INDICATOR_EN
        labels = dict(zip(catalogue[schema.INDICATOR_ID], catalogue[label_col]))
        indicator = st.selectbox(
            t("indicators.indicator", lang), list(labels), format_func=labels.get, key=f"indicators.indicator.{pillar.id}",
        )
        rows = data[data[schema.INDICATOR_ID] == indicator]
        widgets.render_chart(
            build_indicator_figure(rows, lang=lang, pillar_color=pillar.color), key=f"indicators.chart.{pillar.id}"
        )
        widgets.render_indicator_sources(rows, lang)
