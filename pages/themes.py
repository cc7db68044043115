"""Themes: which paragraphs serve which pillar, and why (score and highlighted evidence)."""

import streamlit as st

from policylens import schema
from policylens.figures.text import build_paragraph_map_figure
from policylens.i18n import t
from policylens.text.classify import codebook_model
from policylens.text.terms import filter_paragraphs
from policylens.ui import state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis

st.title(t("themes.title", lang))
model = codebook_model(codebook)
if model is not None:
    st.caption(t("themes.intro", lang, n=model.trained_on))
else:
    st.caption(t("themes.intro_rules", lang, min_score=codebook.min_score, min_margin=codebook.min_margin))
scores = analysis.scores
if ctx.pillars:
    scores = scores[scores[schema.PILLAR].isin(ctx.pillars)]
widgets.render_chart(
    build_paragraph_map_figure(scores, analysis.assignment, codebook, lang, ctx.source_line),
    key=state.THEMES_MAP,
    on_click="pillar",
    value_index=1,  # customdata is (paragraph, pillar id)
)
st.caption(t("selection.map_hint", lang))

st.subheader(t("themes.paragraphs", lang))
show_general = st.toggle(
    t("themes.show_general", lang),
    key=state.seed_widget(state.THEMES_SHOW_GENERAL),
    on_change=state.store_widget,
    args=(state.THEMES_SHOW_GENERAL,),
    disabled=bool(ctx.pillars),
)
shown = filter_paragraphs(analysis.assignment, analysis.assignment, ctx.pillars)
if not ctx.pillars and not show_general:
    shown = shown[shown[schema.PILLAR].notna()]
if shown.empty:
    st.info(t("filter.none_match", lang))
else:
    widgets.render_paragraph_table_exports(analysis, codebook, shown, lang)
    page = widgets.render_pager(len(shown), state.THEMES_PAGE, lang)
    for paragraph in shown[schema.PARAGRAPH].iloc[page]:
        widgets.render_paragraph(analysis, ctx.segmenter, codebook, int(paragraph), lang)
    widgets.render_pager_end(len(shown), state.THEMES_PAGE, lang)
