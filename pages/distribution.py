"""Distribution: where each pillar and each chosen term sits along the document (Bubblelines-like)."""

import streamlit as st

from policylens import schema
from policylens.figures.analysis import build_dispersion_figure
from policylens.i18n import t
from policylens.markup import escape_markdown
from policylens.text.distribution import build_term_dispersion, summarise_dispersion
from policylens.text.terms import summarise_terms
from policylens.ui import locale, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports
from policylens.view.selection import include_term

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis
st.title(t("distribution.title", lang))

vocabulary = summarise_terms(analysis.term_counts)[schema.TERM].tolist()
if not st.session_state.get(state.DISTRIBUTION_TERMS):
    st.session_state[state.DISTRIBUTION_TERMS] = vocabulary[:6]
chosen = [term for term in st.session_state[state.DISTRIBUTION_TERMS] if term in vocabulary]
if ctx.term != st.session_state.get(state.DISTRIBUTION_SEEN_TERM):  # a newly selected term joins once
    st.session_state[state.DISTRIBUTION_SEEN_TERM] = ctx.term
    chosen = include_term(chosen, ctx.term, set(vocabulary))
st.session_state[state.DISTRIBUTION_TERMS] = chosen
terms = st.multiselect(
    t("distribution.terms", lang),
    vocabulary,
    placeholder=locale.multiselect_placeholder(vocabulary, lang),
    **state.bind(state.DISTRIBUTION_TERMS),
)

assignment = analysis.assignment
total = len(analysis.paragraph_terms)
kept = None  # every paragraph; under the pillar filter, the paragraphs it keeps
if ctx.pillars:
    assignment = assignment[assignment[schema.PILLAR].isin(ctx.pillars)]
    kept = assignment[schema.PARAGRAPH].tolist()
dispersion = build_term_dispersion(analysis.paragraph_terms, terms, kept)
pillar_labels = {p.id: p.label(lang) for p in codebook.pillars}
fig = build_dispersion_figure(
    dispersion,
    terms,
    assignment,
    codebook.colors,
    lang,
    ctx.source_line,
    pillar_labels=pillar_labels,
    highlight=ctx.term,
    paragraphs=total,
    filtered=[pillar_labels.get(p, p) for p in ctx.pillars],
)
widgets.render_chart(fig, key=state.DISTRIBUTION_CHART, on_click="term")
st.caption(t("distribution.click_hint", lang))
if terms:
    table = summarise_dispersion(analysis.paragraph_terms, terms, kept)
    if kept is not None:
        pillars = ", ".join(pillar_labels.get(p, p) for p in ctx.pillars)
        st.caption(t("distribution.filtered", lang, shown=len(kept), total=total, pillars=escape_markdown(pillars)))
        absent = table.loc[table[schema.COUNT] == 0, schema.TERM].tolist()
        if absent:
            st.caption(t("distribution.absent", lang, terms=escape_markdown(", ".join(absent))))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            schema.TERM: t("column.term", lang),
            schema.COUNT: t("column.count", lang),
            schema.PARAGRAPHS: t("column.paragraphs", lang),
            "dp": st.column_config.NumberColumn(
                t("distribution.dp", lang), help=t("distribution.dp_help", lang), format="%.3f"
            ),
        },
    )
    exports.render_table_exports(table, "distribution-dispersion", lang)
