"""Indicators: per pillar, one indicator as a chart, a bar for one year, a table or a city comparison,
in absolute, indexed or growth terms, every view with its sources; and the text that speaks about it."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.ui import indicator_data
from policylens.ui.context import get_context
from policylens.ui.widgets import indicator_text
from policylens.ui.widgets import indicators as indicator_widgets

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook

st.title(t("indicators.title", lang))
st.caption(t("indicators.intro", lang))
view = indicator_data.render_dataset_picker(lang, upload=True)
pillar, indicator = indicator_widgets.render_indicator_picker(codebook, ctx.pillars or codebook.ids, view, lang)
if indicator is None:
    st.stop()
indicator_id = indicator[schema.INDICATOR_ID]
cities = indicator_widgets.render_city_picker(view, indicator_id, lang)
spec = indicator_widgets.render_series_controls(view, indicator_id, cities, lang)
if spec is None:
    st.info(t("indicators.none", lang))
else:
    indicator_widgets.render_indicator_view(view, spec, pillar, lang)

st.subheader(t("indicators.text.title", lang))
indicator_text.render_indicator_text(ctx, view, indicator, lang)

st.subheader(t("indicators.linked.title", lang))
indicator_text.render_linked_indicators(ctx, view, lang)
