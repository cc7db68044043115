"""Terms: an interactive word cloud coloured by pillar and a ranked bar chart of the same terms;
click a word or bar to read it in context."""

import streamlit as st

from policylens import schema
from policylens.figures.text import build_term_bar_figure
from policylens.i18n import t
from policylens.text.terms import assign_term_pillars, filter_paragraphs, summarise_terms
from policylens.ui import cache, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis

st.title(t("terms.title", lang))
top_n = st.slider(
    t("terms.top_n", lang),
    min_value=10,
    max_value=150,
    step=10,
    key=state.seed_widget(state.TERMS_TOP_N),
    on_change=state.store_widget,
    args=(state.TERMS_TOP_N,),
)

terms = summarise_terms(filter_paragraphs(analysis.term_counts, analysis.assignment, ctx.pillars)).head(top_n)
if terms.empty:
    st.info(t("terms.empty", lang))
    st.stop()
by_pillar = analysis.terms_by_pillar
term_pillars = assign_term_pillars(terms[schema.TERM], by_pillar, codebook, ctx.document.language)

colors = {term: codebook.get(p).color for term, p in term_pillars.items() if p}
frequencies, color_key = tuple(zip(terms[schema.TERM], terms[schema.COUNT])), tuple(sorted(colors.items()))
cloud = cache.get_cloud(frequencies, color_key)
table = terms.assign(**{schema.PILLAR: [term_pillars.get(x) or "" for x in terms[schema.TERM]]})
widgets.render_cloud(
    cloud, cache.get_cloud_figure(frequencies, color_key, t("terms.cloud", lang), ctx.source_line), table, lang
)
st.caption(t("terms.cloud_caption", lang) + " " + t("terms.cloud_hint", lang))
exports.render_cloud_exports(cloud, "terms-cloud", lang)

fig = build_term_bar_figure(
    terms.head(30),
    term_pillars,
    codebook,
    lang,
    t("figure.term_bar.title", lang, n=min(30, len(terms))),
    ctx.source_line,
    highlight=ctx.term,
)
widgets.render_chart(fig, key=state.TERMS_BAR, on_click="term")

with st.expander(t("terms.table", lang)):
    st.dataframe(
        table,
        column_config={
            schema.TERM: t("column.term", lang),
            schema.COUNT: t("column.count", lang),
            schema.PARAGRAPHS: t("column.paragraphs", lang),
            schema.PILLAR: t("column.pillar", lang),
        },
        hide_index=True,
        width="stretch",
    )
    exports.render_table_exports(table, "terms", lang)
