"""Coverage: which values exist, indicator by year, for the chosen cities and pillars."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.indicators.views import count_coverage
from policylens.ui import indicator_cache, indicator_data, state
from policylens.ui.context import get_context
from policylens.ui.widgets import coverage as coverage_widgets
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import indicator_text
from policylens.ui.widgets import indicators as indicator_widgets

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook

st.title(t("coverage.title", lang))
st.caption(t("coverage.intro", lang))
view = indicator_data.render_dataset_picker(lang)
cities = indicator_widgets.render_city_picker(view, None, lang)
pillar_ids = ctx.pillars or codebook.ids
rows = view.data[view.data[schema.CITY].isin(cities) & view.data[schema.PILLAR].isin(pillar_ids)]
filled, cells = count_coverage(rows)
if not filled:
    st.info(t("coverage.none", lang))
    st.stop()
st.caption(t("coverage.summary", lang, filled=filled, cells=cells, share=round(100 * filled / cells)))
source = "" if view.key == "bundled" else t("coverage.source", lang, names=" + ".join(view.names))
st.caption(t("coverage.click_hint", lang))
widgets.render_chart(
    indicator_cache.get_coverage_figure(view.key, cities, tuple(pillar_ids), lang, source, view.data),
    key=state.COVERAGE_CHART,
    on_click="indicator",
)
indicator_text.render_selected_indicator_text(ctx, view, rows, lang)
coverage_widgets.render_headline_coverage(view, cities, lang)
