"""Terms: an interactive word cloud coloured by pillar and a ranked bar chart of the same terms, ranked
by key-term score (distinctive against general language) or by raw count; the text's figures apart."""

import streamlit as st

from policylens import schema
from policylens.figures.text import build_term_bar_figure
from policylens.i18n import t
from policylens.text.keyterms import FIGURE, REFERENCE_PER_MILLION, SCORE, count_figures, rank_key_terms
from policylens.text.terms import assign_term_pillars, filter_paragraphs, summarise_terms
from policylens.ui import cache, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

RANK_LABELS = {"key": "terms.rank_key", "count": "terms.rank_count"}

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis

st.title(t("terms.title", lang))
rank_col, top_col = st.columns([1, 2])
rank = rank_col.segmented_control(
    t("terms.rank", lang),
    list(RANK_LABELS),
    format_func=lambda r: t(RANK_LABELS[r], lang),
    required=True,
    **state.bind(state.TERMS_RANK),
)
top_n = top_col.slider(t("terms.top_n", lang), min_value=10, max_value=150, step=10, **state.bind(state.TERMS_TOP_N))

kept = filter_paragraphs(analysis.assignment, analysis.assignment, ctx.pillars)[schema.PARAGRAPH].to_list()
if rank == "key":
    key_counts = cache.get_key_term_counts(ctx.document.key, ctx.settings_key, analysis, ctx.segmenter)
    terms = rank_key_terms(key_counts, kept if ctx.pillars else None)
    terms = terms[terms[SCORE] > 0].head(top_n)
    value, value_title = SCORE, t("column.key_score", lang)
else:
    terms = summarise_terms(filter_paragraphs(analysis.term_counts, analysis.assignment, ctx.pillars)).head(top_n)
    value, value_title = schema.COUNT, None
if terms.empty:
    st.info(t("terms.empty", lang))
    st.stop()
term_pillars = assign_term_pillars(terms[schema.TERM], analysis.terms_by_pillar, codebook, ctx.document.language)

colors = {term: codebook.get(p).color for term, p in term_pillars.items() if p}
weights = [round(float(w), 2) for w in terms[value]]
frequencies, color_key = tuple(zip(terms[schema.TERM], weights)), tuple(sorted(colors.items()))
cloud = cache.get_cloud(frequencies, color_key)
table = terms.assign(**{schema.PILLAR: [term_pillars.get(x) or "" for x in terms[schema.TERM]]})
widgets.render_cloud(
    cloud, cache.get_cloud_figure(frequencies, color_key, t("terms.cloud", lang), ctx.source_line), table, lang
)
st.caption(t("terms.key_caption" if rank == "key" else "terms.cloud_caption", lang) + " " + t("terms.cloud_hint", lang))
exports.render_cloud_exports(cloud, "terms-cloud", lang)

shown = terms.head(30)
title = t("figure.term_bar.title", lang, n=len(shown))
fig = build_term_bar_figure(
    shown,
    term_pillars,
    codebook,
    lang,
    title,
    ctx.source_line,
    highlight=ctx.term,
    value=value,
    value_title=value_title,
)
widgets.render_chart(fig, key=state.TERMS_BAR, on_click="term")

columns = {
    schema.TERM: t("column.term", lang),
    SCORE: st.column_config.NumberColumn(t("column.key_score", lang), format="%.1f"),
    schema.COUNT: t("column.count", lang),
    schema.PARAGRAPHS: t("column.paragraphs", lang),
    REFERENCE_PER_MILLION: st.column_config.NumberColumn(t("column.reference_per_million", lang), format="%.3f"),
    schema.PILLAR: t("column.pillar", lang),
}
with st.expander(t("terms.table", lang)):
    table = table.drop(columns=["compound"], errors="ignore")
    st.dataframe(table, column_config=columns, hide_index=True, width="stretch")
    exports.render_table_exports(table, "terms", lang)

with st.expander(t("terms.figures", lang)):
    st.caption(t("terms.figures_rule", lang))
    figures = count_figures(ctx.document.paragraphs, ctx.document.language, kept if ctx.pillars else None)
    if figures.empty:
        st.info(t("terms.figures_empty", lang))
    else:
        figure_columns = {FIGURE: t("column.figure", lang), schema.COUNT: t("column.count", lang)}
        figure_columns[schema.PARAGRAPHS] = t("column.paragraphs", lang)
        st.dataframe(figures, column_config=figure_columns, hide_index=True, width="stretch")
        exports.render_table_exports(figures, "figures", lang)
