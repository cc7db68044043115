"""Targets: the document's numeric targets by pillar, each with its sentence, and a matched target
charted against the actual series of its indicator."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.markup import t_md
from policylens.ui import indicator_cache, indicator_data
from policylens.ui.context import get_context
from policylens.ui.widgets import targets as target_widgets

ctx = get_context()
lang, document = ctx.lang, ctx.document

st.title(t("targets.title", lang))
st.caption(t("targets.intro", lang))
view = indicator_data.render_dataset_picker(lang)
targets = indicator_cache.get_targets(document.key, tuple(document.paragraphs), document.language, document.date)
if targets.empty:
    st.info(t_md("targets.none", lang, name=document.name))
    st.stop()
st.caption(t("targets.count", lang, n=len(targets), paragraphs=targets[schema.PARAGRAPH].nunique()))
catalogue = indicator_cache.get_full_catalogue(view.key, view.data)
matches = indicator_cache.get_target_matches(document.key, view.key, targets, view.data)
target_widgets.render_target_list(ctx, targets, matches, catalogue, lang)
target_widgets.render_target_chart(ctx, view, targets, matches, catalogue, lang)
