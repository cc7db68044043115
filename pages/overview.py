"""Overview: pillar shares of the text, top terms per pillar, headline indicators."""

import streamlit as st

from policylens import schema
from policylens.analysis import summarise_pillars
from policylens.doc_stats import summarise_document
from policylens.figures import build_pillar_share_figure, build_term_bar_figure
from policylens.i18n import t
from policylens.terms import assign_term_pillars
from policylens.ui import widgets
from policylens.ui.context import build_context

ctx = build_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis

st.title(t("overview.title", lang))
summary = summarise_pillars(analysis, codebook)
classified = int(summary[summary[schema.PILLAR].notna()][schema.PARAGRAPHS].sum())
widgets.render_document_summary(summarise_document(ctx.document, analysis.paragraph_terms), classified, lang)

shown = summary if not ctx.pillars else summary[summary[schema.PILLAR].isin(ctx.pillars)]
widgets.render_chart(build_pillar_share_figure(shown, codebook, lang, ctx.source_line), key="overview.share",
                     on_click="pillar")
st.caption(t("selection.pillar_hint", lang))

st.subheader(t("overview.top_terms", lang))
by_pillar = analysis.terms_by_pillar
pillars = [p for p in codebook.pillars if not ctx.pillars or p.id in ctx.pillars]
term_pillars = assign_term_pillars(by_pillar[schema.TERM].unique(), by_pillar, codebook, ctx.document.language)
for col, pillar in zip(st.columns(len(pillars)), pillars):
    with col:
        top = by_pillar[by_pillar[schema.PILLAR] == pillar.id].head(10)
        if top.empty:
            st.info(f"{pillar.label(lang)}: {t('overview.no_terms', lang)}")
            continue
        fig = build_term_bar_figure(
            top, term_pillars, codebook, lang, t("figure.top_terms.title", lang, pillar=pillar.label(lang)),
            ctx.source_line, highlight=ctx.term,
        )
        widgets.render_chart(fig, key=f"overview.terms.{pillar.id}", on_click="term")
st.caption(t("selection.term_hint", lang))

st.subheader(t("overview.headline", lang))
widgets.render_headline_indicators(ctx.pillars, codebook, lang)
