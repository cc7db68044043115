"""Overview: pillar shares of the text, top terms per pillar, headline indicators."""

import streamlit as st

from policylens.figures.overview import TERM_CHART_WIDTH
from policylens.i18n import t
from policylens.markup import escape_markdown
from policylens.ui import cache, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import overview

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis

st.title(t("overview.title", lang))
overview.render_intro(ctx.document, codebook, lang)
summary, shown, classified = cache.get_overview_summary(ctx.document.key, ctx.settings_key, ctx.pillars, analysis)
names = ", ".join(codebook.get(p).label(lang) for p in ctx.pillars)
overview.render_document_summary(summary, shown, classified, escape_markdown(names), lang)  # before the charts
share_figure, term_figures = cache.get_overview(
    ctx.document.key, ctx.settings_key, ctx.pillars, lang, ctx.source_line, ctx.term, analysis, codebook
)

widgets.render_chart(share_figure, key=state.OVERVIEW_SHARE, on_click="pillar")
st.caption(t("selection.pillar_hint", lang))

st.subheader(t("overview.top_terms", lang))
# panels of a fixed width that wrap onto the next line when the page is narrow, so no label is cut
panels = st.container(horizontal=True, gap="small")
for pillar_id, figure in term_figures:
    with panels.container(width=TERM_CHART_WIDTH):
        if figure is None:
            st.info(f"{escape_markdown(codebook.get(pillar_id).label(lang))}: {t('overview.no_terms', lang)}")
        else:
            widgets.render_chart(figure, key=f"{state.OVERVIEW_TERMS}.{pillar_id}", on_click="term", stretch=False)
st.caption(t("selection.term_hint", lang))

st.subheader(t("overview.headline", lang))
widgets.render_headline_indicators(ctx.pillars, codebook, lang)
